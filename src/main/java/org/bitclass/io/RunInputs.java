package org.bitclass.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The files the current command reads. Commands name them before the work and readers add the files they open,
 * so that {@link OutputFile} can refuse to write over any of them, however the output path spells it. The record
 * lives from {@link #begin()} to {@link #end()} around one command; library code run outside a command (a test
 * that reads a file and then rewrites it) records nothing.
 */
public final class RunInputs {

    private static final Set<Path> PATHS = ConcurrentHashMap.newKeySet();
    private static volatile boolean recording;

    private RunInputs() {
    }

    /** Records inputs as the user gave them (null entries, for options not given, are skipped). */
    public static void add(Path... paths) {
        if (!recording) {
            return;
        }
        for (Path p : paths) {
            if (p != null) {
                PATHS.add(p);
            }
        }
    }

    /** A command starts: record the files it reads. */
    public static void begin() {
        PATHS.clear();
        recording = true;
    }

    /** The command ended: forget its inputs (tests run many commands in one JVM). */
    public static void end() {
        recording = false;
        PATHS.clear();
    }

    /**
     * The input, recorded or among {@code named}, that is the same file as {@code target} (through a symlink,
     * {@code ..} or a hard link), if any.
     */
    static Optional<Path> sameFileAs(Path target, Path... named) {
        if (!Files.exists(target)) {
            return Optional.empty();
        }
        return Stream.concat(Stream.of(named).filter(Objects::nonNull), PATHS.stream())
                .filter(p -> isSameFile(p, target)).findFirst();
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
