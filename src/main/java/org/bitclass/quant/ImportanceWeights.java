package org.bitclass.quant;

/**
 * How ggml turns imatrix importance into per-element weights: {@code importance * sqrt(sigma2 + x²)}, where
 * sigma2 is a mean square of the values around the block, so that small values still count.
 */
final class ImportanceWeights {

    private ImportanceWeights() {
    }

    /** Sum of squares of {@code n} values, accumulated in order in float. */
    static float sumOfSquares(float[] x, int offset, int n) {
        float sum = 0;
        for (int j = 0; j < n; j++) {
            sum += x[offset + j] * x[offset + j];
        }
        return sum;
    }

    /** The legacy quants' sigma2: the mean square over the whole row. */
    static float rowSigma2(float[] x, int offset, int n) {
        return sumOfSquares(x, offset, n) / n;
    }

    /** Fills {@code out[0..n)} with the weights of the block at {@code x[xOffset..]}. */
    static void blockWeights(float[] importance, int importanceOffset, float sigma2, float[] x, int xOffset, int n,
                             float[] out) {
        for (int j = 0; j < n; j++) {
            float xj = x[xOffset + j];
            out[j] = importance[importanceOffset + j] * (float) Math.sqrt(sigma2 + xj * xj);
        }
    }
}
