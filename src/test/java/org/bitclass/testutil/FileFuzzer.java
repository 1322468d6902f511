package org.bitclass.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded damage to a file's bytes (bit flips, absurd 64-bit counts, random stretches, truncation), mostly within
 * its first {@code region} bytes where the structure lies, each damaged copy handed to a reader. The reader must
 * accept the copy or reject it with one of the format's exceptions, on one line naming the file; anything else
 * (another exception, an error, a case still running after {@link #HANG_NANOS}) is a crash.
 */
public final class FileFuzzer {

    /**
     * A case still running after this long is taken for a hang (an endless loop on damaged counts), not judged for
     * speed: the slowest case is reported, never asserted; it took under 0.5 s on a loaded 2-core machine.
     */
    public static final long HANG_NANOS = 30_000_000_000L;

    /** Reads one damaged copy fully, throwing what the product would throw. */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws Exception;
    }

    /** Counts of one run, and a line per crash. */
    public record Report(int cases, int accepted, int rejected, List<String> crashes, long slowestNanos) {
        @Override
        public String toString() {
            return String.format("%d cases: %d read, %d rejected cleanly, %d crashes, slowest %.1f ms", cases, accepted,
                    rejected, crashes.size(), slowestNanos / 1e6);
        }
    }

    private FileFuzzer() {
    }

    public static Report run(Path original, int region, int cases, long seed, Path workDir,
                             Class<? extends Exception> clean, Reader reader) throws IOException {
        byte[] bytes = Files.readAllBytes(original);
        Random random = new Random(seed);
        Path file = workDir.resolve("damaged-" + original.getFileName());
        int accepted = 0;
        int rejected = 0;
        long slowest = 0;
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            byte[] copy = bytes.clone();
            int length = mutate(copy, Math.min(region, copy.length), random, i % 4);
            Files.write(file, length == copy.length ? copy : java.util.Arrays.copyOf(copy, length));
            long start = System.nanoTime();
            Throwable failure = null;
            try {
                reader.read(file);
            } catch (Throwable t) {
                failure = t instanceof UncheckedIOException u ? u.getCause() : t;
            }
            long nanos = System.nanoTime() - start;
            slowest = Math.max(slowest, nanos);
            if (failure == null) {
                accepted++;
            } else if (clean.isInstance(failure) && failure.getMessage() != null
                    && failure.getMessage().contains(file.toString()) && !failure.getMessage().contains("\n")) {
                rejected++;
            } else {
                crashes.add("case " + i + ": " + failure);
            }
            if (nanos > HANG_NANOS) {
                crashes.add("case " + i + ": took " + nanos / 1_000_000 + " ms");
            }
        }
        return new Report(cases, accepted, rejected, crashes, slowest);
    }

    /** Applies one kind of damage and returns the length of the file to keep. */
    public static int mutate(byte[] bytes, int region, Random random, int kind) {
        int at = random.nextInt(Math.min(region + 64, bytes.length));
        switch (kind) {
            case 0 -> { // flip a few bits
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    bytes[random.nextInt(region)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // an absurd 64-bit value where a count or length may be
                if (at + 8 <= bytes.length) {
                    long huge = random.nextBoolean() ? -1L - random.nextInt(1000) : 1L << (20 + random.nextInt(43));
                    ByteBuffer.wrap(bytes, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(huge);
                }
            }
            case 2 -> { // random bytes over a stretch
                for (int k = at; k < Math.min(bytes.length, at + 1 + random.nextInt(16)); k++) {
                    bytes[k] = (byte) random.nextInt(256);
                }
            }
            default -> { // truncation anywhere
                return random.nextInt(bytes.length);
            }
        }
        return bytes.length;
    }
}
