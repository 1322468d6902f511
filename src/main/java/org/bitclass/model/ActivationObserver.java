package org.bitclass.model;

/**
 * Sees the input of every matrix multiplication, for calibration (importance matrices). The activations are the
 * float values before any rounding to the weight's dot-product format, as llama.cpp's imatrix sees them.
 */
@FunctionalInterface
public interface ActivationObserver {

    /**
     * Called once per weight matrix per forward pass, from the thread that runs the pass.
     *
     * @param tensorName the GGUF name of the weight, e.g. {@code blk.3.ffn_down.weight}
     * @param x          {@code nTokens × dim} row-major activations; only valid during the call
     */
    void onMatMulInput(String tensorName, float[] x, int nTokens, int dim);
}
