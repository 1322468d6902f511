package org.bitclass.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files the current command reads. Commands name them before the work and readers add the files they open,
 * so that {@link OutputFile} can refuse to write over any of them, however the output path spells it.
 */
public final class RunInputs {

    private static final Set<Path> PATHS = ConcurrentHashMap.newKeySet();

    private RunInputs() {
    }

    /** Records inputs as the user gave them (null entries, for options not given, are skipped). */
    public static void add(Path... paths) {
        for (Path p : paths) {
            if (p != null) {
                PATHS.add(p);
            }
        }
    }

    /** A new command starts: forget the inputs of the previous one (tests run many commands in one JVM). */
    public static void clear() {
        PATHS.clear();
    }

    /** The input that is the same file as {@code target} (through a symlink, {@code ..} or a hard link), if any. */
    static Optional<Path> sameFileAs(Path target) {
        if (!Files.exists(target)) {
            return Optional.empty();
        }
        return PATHS.stream().filter(p -> isSameFile(p, target)).findFirst();
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
