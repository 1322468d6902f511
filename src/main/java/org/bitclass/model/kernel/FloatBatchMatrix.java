package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;

/**
 * The opt-in float path for batches of quantized weights ({@link QuantizedBatches#FLOAT}): from {@link #MIN_BATCH}
 * tokens on, each tile of rows is decoded once with the codec and multiplied in float with the activations as they
 * are, as an F32 matrix would be. llama.cpp rounds the activations to Q8 and sums integer products instead, so the
 * results differ in the last bits. Smaller batches, and generation, keep the exact matrix's kernels.
 */
final class FloatBatchMatrix extends WeightMatrix {

    /** From this many tokens on the decode is amortized (the exact path switches to its panels here too). */
    static final int MIN_BATCH = RowPanel.MIN_BATCH;

    private final WeightMatrix exact;

    FloatBatchMatrix(WeightMatrix exact) {
        super(exact.name, exact.type, exact.rows, exact.cols, exact.data);
        this.exact = exact;
    }

    /**
     * The types whose batches of 16 tokens and more ran at least 1.2× faster this way (1.8–4.6×, docs/engine.md);
     * Q4_K gained at most 1.17× (32 to 256 tokens), Q5_K 1.03×, Q6_K nothing.
     */
    static boolean gains(GgmlType type) {
        return switch (type) {
            case Q8_0, Q4_0, IQ4_NL, IQ4_XS -> true;
            default -> false;
        };
    }

    @Override
    Object prepareInput(float[] x, int nTokens, Object previous) {
        return nTokens >= MIN_BATCH ? x : exact.prepareInput(x, nTokens, previous);
    }

    /** Unrounded floats, which F32 matrices take too. */
    @Override
    Object inputFormat(int nTokens) {
        return nTokens >= MIN_BATCH ? GgmlType.F32 : exact.inputFormat(nTokens);
    }

    @Override
    int rowTile(int nTokens) {
        return nTokens >= MIN_BATCH ? FloatDotMatrix.batchRowTile(cols) : exact.rowTile(nTokens);
    }

    @Override
    void multiplyTile(int row, int count, Object input, int nTokens, float[] out) {
        if (nTokens >= MIN_BATCH) {
            FloatDotMatrix.multiplyDecoded(this, row, count, (float[]) input, nTokens, out);
        } else {
            exact.multiplyTile(row, count, input, nTokens, out);
        }
    }

    @Override
    public void decodeRows(int row, int count, float[] dst, int dstOff) {
        exact.decodeRows(row, count, dst, dstOff);
    }
}
