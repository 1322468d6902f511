package org.bitclass.eval;

import java.util.Arrays;

/** Sorted per-token values with percentiles interpolated in float, as llama-perplexity computes them. */
public final class Distribution {

    private final float[] sorted;

    public Distribution(float[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        sorted = values.clone();
        Arrays.sort(sorted);
    }

    public int size() {
        return sorted.length;
    }

    public float min() {
        return sorted[0];
    }

    public float max() {
        return sorted[sorted.length - 1];
    }

    /** Linear interpolation at {@code fraction * (n-1)}, in float; the ends for fractions outside (0, 1). */
    public float percentile(float fraction) {
        if (fraction <= 0) {
            return min();
        }
        if (fraction >= 1) {
            return max();
        }
        float p = fraction * (float) (sorted.length - 1);
        int index = (int) p;
        p -= index;
        return (1 - p) * sorted[index] + p * sorted[Math.min(index + 1, sorted.length - 1)];
    }

    /** The middle value, or the float mean of the two middle values. */
    public float median() {
        int n = sorted.length;
        return n % 2 == 0 ? 0.5f * (sorted[n / 2] + sorted[n / 2 - 1]) : sorted[n / 2];
    }
}
