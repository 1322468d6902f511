package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.calib.BatchSchedule;
import org.bitclass.calib.ImatrixCalibration;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs an imatrix calibration for a command: a progress bar with the running perplexity on stderr, and on stdout
 * llama-imatrix's lines (chunk count, the running perplexity after each chunk, the final estimate) and the speed.
 * The per-chunk line is printed at the end so that it does not fight the progress bar for the terminal.
 */
final class CalibrationRun implements ImatrixCalibration.Listener, AutoCloseable {

    private final int contextSize;
    private final StringBuilder perChunk = new StringBuilder();
    private ProgressBar bar;

    private CalibrationRun(int contextSize) {
        this.contextSize = contextSize;
    }

    static ImatrixCalibration.Result run(Path model, Path text, ImatrixCalibration.Options options, int threads)
            throws IOException {
        long start = System.nanoTime();
        ImatrixCalibration.Result result;
        StringBuilder perChunk;
        try (CalibrationRun listener = new CalibrationRun(options.contextSize())) {
            result = ImatrixCalibration.run(model, text, text.toString(), options, threads, listener);
            perChunk = listener.perChunk;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(perChunk);
        System.out.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", result.perplexity(), result.perplexityError());
        System.out.printf(Locale.ROOT, "evaluated %d tokens in %.1f s (%.1f tokens/s)%n", result.tokens(), seconds,
                result.tokens() / seconds);
        return result;
    }

    @Override
    public void started(int chunks, BatchSchedule schedule) {
        System.out.printf(Locale.ROOT, "computing over %d chunks, n_ctx=%d, batch_size=%d, n_seq=%d%n",
                chunks, contextSize, schedule.batchSize(), schedule.sequences());
        bar = Progress.bar("imatrix", chunks, "chunks");
    }

    @Override
    public void chunkDone(int chunk, double runningPerplexity) {
        perChunk.append(String.format(Locale.ROOT, "[%d]%.4f,", chunk, runningPerplexity));
        bar.setExtraMessage(String.format(Locale.ROOT, "PPL %.4f", runningPerplexity));
        bar.step();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
