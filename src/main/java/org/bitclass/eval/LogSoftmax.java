package org.bitclass.eval;

/**
 * The pieces of llama-perplexity's log-softmax, with its mix of precisions: the maximum and each
 * {@code exp(logit - max)} in float, their sum in double. Figures match llama.cpp's printed digits only if
 * every float/double step is the same.
 */
public final class LogSoftmax {

    private LogSoftmax() {
    }

    /** Largest of {@code logits[offset .. offset+n)}. */
    static float max(float[] logits, int offset, int n) {
        float max = logits[offset];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        return max;
    }

    /** Sum over the row of {@code expf(logit - max)}, accumulated in double. */
    static double sumExp(float[] logits, int offset, int n, float max) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += expf(logits[offset + i] - max);
        }
        return sum;
    }

    /** C's {@code expf}: the float nearest to e^x. */
    static float expf(float x) {
        return (float) Math.exp(x);
    }

    /**
     * {@code -log p(token)} as plain llama-perplexity computes it: {@code (logit - max)} in float, then
     * {@code log(sum)} subtracted in double.
     */
    public static double negLogProb(float[] logits, int offset, int n, int token) {
        float max = max(logits, offset, n);
        double sum = sumExp(logits, offset, n, max);
        return -((double) (logits[offset + token] - max) - Math.log(sum));
    }
}
