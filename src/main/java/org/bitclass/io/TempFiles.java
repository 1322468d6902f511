package org.bitclass.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary output files, named {@code .NAME.tmp-PID-N} beside their target. A JVM shutdown hook (Ctrl-C, SIGTERM)
 * deletes those still open; the pid in the name lets a later run recognise, and delete, the ones a killed process
 * (kill -9, power loss) left behind.
 */
final class TempFiles {

    private static final Pattern NAME = Pattern.compile("\\..+\\.tmp-(\\d+)-\\d+");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong COUNTER = new AtomicLong();
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

    /** A fresh temporary path in the target's folder (so the final rename stays on one file system). */
    static Path beside(Path target) {
        Path abs = target.toAbsolutePath();
        Path temp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + PID + "-" + COUNTER.incrementAndGet());
        OPEN.add(temp);
        return temp;
    }

    /** The file was renamed into place or deleted. */
    static void forget(Path temp) {
        OPEN.remove(temp);
    }

    /** Deletes the temporary files in {@code folder} whose process has ended, telling the user about each. */
    static void removeStale(Path folder, Path shownFolder) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, ".*.tmp-*")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && isDead(m.group(1)) && Files.deleteIfExists(f)) {
                    System.err.println("bitclass: removed " + shownFolder.resolve(f.getFileName())
                            + ", a temporary file left by process " + m.group(1) + ", which has ended");
                }
            }
        }
    }

    private static boolean isDead(String pid) {
        try {
            long p = Long.parseLong(pid);
            return p != PID && ProcessHandle.of(p).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
