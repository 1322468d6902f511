package org.bitclass.eval;

import java.util.OptionalDouble;

/** Sum and sum of squares of per-token negative log-likelihoods, in double as llama-perplexity keeps them. */
public final class NllAccumulator {

    private double nll;
    private double nll2;
    private long count;

    public void add(double tokenNll) {
        nll += tokenNll;
        nll2 += tokenNll * tokenNll;
        count++;
    }

    /** Adds the tokens another accumulator scored. */
    public void add(NllAccumulator other) {
        nll += other.nll;
        nll2 += other.nll2;
        count += other.count;
    }

    public long count() {
        return count;
    }

    /** e^(mean negative log-likelihood). */
    public double ppl() {
        return Math.exp(nll / count);
    }

    /**
     * The standard error of the perplexity (the standard error of the mean nll, times the perplexity); empty when
     * rounding leaves no positive variance, where llama.cpp prints an error instead of the estimate.
     */
    public OptionalDouble pplError() {
        double mean = nll / count;
        double variance = nll2 / count - mean * mean;
        return variance > 0 ? OptionalDouble.of(Math.sqrt(variance / (count - 1)) * ppl()) : OptionalDouble.empty();
    }
}
