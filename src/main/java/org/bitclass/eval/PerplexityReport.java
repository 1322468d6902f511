package org.bitclass.eval;

import java.util.OptionalDouble;

import static org.bitclass.eval.CFormat.fixed;

/** The text llama-perplexity prints in its default mode. */
public final class PerplexityReport {

    private PerplexityReport() {
    }

    /** One entry of the running line, {@code [3]11.2345,}. */
    public static String chunkEntry(int chunk, double runningPpl) {
        return "[" + chunk + "]" + fixed(runningPpl, 4) + ",";
    }

    /** {@code Final estimate: PPL = 11.3216 +/- 0.16144}, or llama.cpp's complaint when there is no positive variance. */
    public static String finalLine(NllAccumulator nll) {
        OptionalDouble error = nll.pplError();
        if (error.isEmpty()) {
            return "Unexpected negative standard deviation of log(prob)";
        }
        return "Final estimate: PPL = " + fixed(nll.ppl(), 4) + " +/- " + fixed(error.getAsDouble(), 5);
    }
}
