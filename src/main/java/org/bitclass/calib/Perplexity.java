package org.bitclass.calib;

/**
 * Perplexity as llama-imatrix and llama-perplexity compute it: per scored position the negative log-probability of
 * the next token from a float log-softmax with a double sum of exponentials, summed (with its square) in double.
 */
final class Perplexity {

    private double nll;
    private double nll2;
    private long count;

    /** Scores {@code token} against the logits row {@code logits[offset .. offset + nVocab)}. */
    void add(float[] logits, int offset, int nVocab, int token) {
        float max = logits[offset];
        for (int i = 1; i < nVocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sumExp = 0;
        for (int i = 0; i < nVocab; i++) {
            sumExp += (float) Math.exp(logits[offset + i] - max);
        }
        double v = -((double) (logits[offset + token] - max) - Math.log(sumExp));
        nll += v;
        nll2 += v * v;
        count++;
    }

    /** Adds the positions another meter scored. */
    void add(Perplexity other) {
        nll += other.nll;
        nll2 += other.nll2;
        count += other.count;
    }

    long count() {
        return count;
    }

    double value() {
        return Math.exp(nll / count);
    }

    /** The standard error of the estimate, or NaN when it cannot be estimated. */
    double error() {
        double mean = nll / count;
        double variance = nll2 / count - mean * mean;
        return variance > 0 && count > 1 ? Math.sqrt(variance / (count - 1)) * value() : Double.NaN;
    }
}
