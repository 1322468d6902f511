package org.bitclass.io;

import java.nio.file.Path;

/**
 * The one-line message of a damaged input file: its path, then the problem. A problem may quote text read from the
 * file (a tensor name, a key), which can be any bytes: control characters become '?' and a long quote is cut, so
 * the message stays one readable line whatever the file holds.
 */
public final class FileProblem {

    private static final int MAX_PROBLEM = 300;

    private FileProblem() {
    }

    public static String message(Path file, String problem) {
        StringBuilder shown = new StringBuilder(Math.min(problem.length(), MAX_PROBLEM + 1));
        problem.codePoints().limit(MAX_PROBLEM).forEach(c -> {
            if (Character.isISOControl(c) || c == 0xFFFD) {
                shown.append('?');
            } else {
                shown.appendCodePoint(c);
            }
        });
        if (problem.codePointCount(0, problem.length()) > MAX_PROBLEM) {
            shown.append('…');
        }
        return file + ": " + shown;
    }
}
