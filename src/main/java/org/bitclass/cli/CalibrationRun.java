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
 */
final class CalibrationRun {

    private CalibrationRun() {
    }

    static ImatrixCalibration.Result run(Path model, Path text, ImatrixCalibration.Options options, int threads)
            throws IOException {
        StringBuilder perChunk = new StringBuilder();
        ProgressBar[] bar = new ProgressBar[1];
        long start = System.nanoTime();
        ImatrixCalibration.Result result;
        try {
            result = ImatrixCalibration.run(model, text, text.toString(), options, threads, new ImatrixCalibration.Listener() {
                @Override
                public void started(int chunks, BatchSchedule schedule) {
                    System.out.printf(Locale.ROOT, "computing over %d chunks, n_ctx=%d, batch_size=%d, n_seq=%d%n",
                            chunks, options.contextSize(), schedule.batchSize(), schedule.sequences());
                    bar[0] = Progress.bar("imatrix", chunks, "chunks");
                }

                @Override
                public void chunkDone(int chunk, double runningPerplexity) {
                    perChunk.append(String.format(Locale.ROOT, "[%d]%.4f,", chunk, runningPerplexity));
                    bar[0].setExtraMessage(String.format(Locale.ROOT, "PPL %.4f", runningPerplexity));
                    bar[0].step();
                }
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(perChunk);
        System.out.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", result.perplexity(), result.perplexityError());
        System.out.printf(Locale.ROOT, "evaluated %d tokens in %.1f s (%.1f tokens/s)%n", result.tokens(), seconds,
                result.tokens() / seconds);
        return result;
    }
}
