package org.bitclass.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of long commands on stderr, in one style: a redrawn bar on a terminal; on a pipe or in a log file, a
 * plain line at every tenth of the work and at the end, with no carriage returns.
 */
final class Progress {

    private static final boolean STDERR_IS_TERMINAL = isTerminal(2);

    private Progress() {
    }

    static ProgressBar bar(String task, long max, String unit) {
        return bar(task, max, unit, System.err, STDERR_IS_TERMINAL);
    }

    static ProgressBar bar(String task, long max, String unit, PrintStream err, boolean terminal) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setUnit(" " + unit, 1)
                .setUpdateIntervalMillis(250);
        if (terminal) {
            return builder.setStyle(ProgressBarStyle.ASCII).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(err, 100)).build();
        }
        return builder.setRenderer(new TenthsRenderer(unit))
                .setConsumer(new DelegatingProgressBarConsumer(line -> {
                    if (!line.isEmpty()) {
                        err.println(line);
                    }
                })).build();
    }

    /** Renders a line when the work passes a new tenth (or ends), and nothing otherwise. */
    private static final class TenthsRenderer implements me.tongfei.progressbar.ProgressBarRenderer {
        private final String unit;
        private long lastTenth = -1;

        TenthsRenderer(String unit) {
            this.unit = unit;
        }

        @Override
        public String render(ProgressState state, int maxLength) {
            long max = Math.max(1, state.getMax());
            long tenth = Math.min(10, state.getCurrent() * 10 / max);
            boolean done = state.getCurrent() >= state.getMax();
            if (tenth <= lastTenth || (tenth == 0 && !done)) {
                return "";
            }
            lastTenth = tenth;
            Duration elapsed = state.getTotalElapsed();
            return String.format(Locale.ROOT, "%s: %3d%% (%d/%d %s), %d s", state.getTaskName(),
                    state.getCurrent() * 100 / max, state.getCurrent(), state.getMax(), unit, elapsed.toSeconds());
        }
    }

    /** Whether file descriptor {@code fd} is a terminal, by libc's isatty (false where that cannot be asked). */
    private static boolean isTerminal(int fd) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(fd) == 1;
        } catch (Throwable e) {
            return false;
        }
    }
}
