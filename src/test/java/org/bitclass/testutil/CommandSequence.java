package org.bitclass.testutil;

import org.bitclass.cli.Main;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several bitclass commands in one JVM, for tests that need them under other JVM flags: the arguments are the
 * commands separated by {@link #THEN}; each command's output follows a line {@link #MARK}. Exits with the first
 * non-zero exit code.
 */
public final class CommandSequence {

    public static final String THEN = "--then";
    public static final String MARK = "=== next command";

    private CommandSequence() {
    }

    public static void main(String[] args) {
        List<String> command = new ArrayList<>();
        for (String a : Arrays.copyOf(args, args.length + 1)) {
            if (a != null && !a.equals(THEN)) {
                command.add(a);
                continue;
            }
            System.out.println(MARK);
            int code = Main.run(command.toArray(String[]::new));
            if (code != 0) {
                System.exit(code);
            }
            command.clear();
        }
    }
}
