package org.bitclass.model.kernel;

/** How batches of tokens are multiplied by block-quantized weights. One-token products are the same either way. */
public enum QuantizedBatches {

    /** As llama.cpp: activations rounded to the weight type's Q8 partner, its kernels' bits (the default). */
    EXACT,

    /**
     * From {@link FloatBatchMatrix#MIN_BATCH} tokens on, for the types where it pays ({@link FloatBatchMatrix#gains}),
     * each tile of rows is decoded once to float and multiplied with the unrounded activations: faster, but the
     * results differ from llama.cpp's in the last bits.
     */
    FLOAT
}
