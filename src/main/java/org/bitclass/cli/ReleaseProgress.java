package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.release.ReleaseListener;

import java.io.Console;
import java.util.Locale;

/**
 * How {@code release} shows its progress on stderr: one line per stage with the estimated time left, and on a
 * terminal a progress bar for the stage's current part.
 */
final class ReleaseProgress implements ReleaseListener, AutoCloseable {

    private final boolean terminal;
    private ProgressBar bar;

    ReleaseProgress() {
        Console console = System.console();
        terminal = console != null && console.isTerminal();
    }

    @Override
    public synchronized void phase(String name, long steps, String unit) {
        close();
        if (terminal) {
            bar = Progress.bar(name, steps, unit);
        }
    }

    @Override
    public synchronized void step(String detail) {
        if (bar != null) {
            bar.setExtraMessage(detail.isEmpty() ? "" : " " + detail);
            bar.step();
        }
    }

    @Override
    public synchronized void finished(int index, int total, String label, double seconds, boolean cached,
                                      double remainingSeconds) {
        close();
        System.err.printf(Locale.ROOT, "[%2d/%d] %-44s %s   %s%n", index, total, label,
                cached ? "stored (took " + duration(seconds) + ")" : "done in " + duration(seconds),
                Double.isNaN(remainingSeconds) ? "" : "about " + duration(remainingSeconds) + " left");
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
