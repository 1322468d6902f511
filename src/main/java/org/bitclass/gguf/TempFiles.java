package org.bitclass.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary output files that are not complete yet. A JVM shutdown hook (Ctrl-C, SIGTERM) deletes those still
 * open, so an interrupted run leaves neither a truncated output nor a stray temporary file.
 */
public final class TempFiles {

    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(p -> {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort while the JVM goes down
            }
        }), "bitclass-temp-cleanup"));
    }

    private TempFiles() {
    }

    /** A fresh temporary path in the target's directory (so the final rename stays on one file system). */
    public static Path beside(Path target) {
        Path abs = target.toAbsolutePath();
        Path temp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        OPEN.add(temp);
        return temp;
    }

    /** The file was renamed into place or deleted. */
    public static void forget(Path temp) {
        OPEN.remove(temp);
    }
}
