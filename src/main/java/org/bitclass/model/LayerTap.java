package org.bitclass.model;

import java.util.Arrays;

/**
 * Where a forward pass over a fresh sequence enters the block stack and what it records on the way: the allocator
 * runs the clean model once recording every block's input, then runs a perturbed block and the blocks after it
 * from that recorded input, without recomputing the blocks before it.
 *
 * @param from   the first block to run
 * @param input  the residual stream entering block {@code from} ({@code [T × n_embd]}), or null to embed the tokens
 * @param inputs null, or per block a slot that receives a copy of the residual stream entering it
 */
record LayerTap(int from, float[] input, float[][] inputs) {

    static final LayerTap NONE = new LayerTap(0, null, null);

    /** Fills {@code x} with the tap's input, or reports that the tokens must be embedded. */
    boolean load(float[] x) {
        if (input == null) {
            return false;
        }
        System.arraycopy(input, 0, x, 0, input.length);
        return true;
    }

    /** Keeps a copy of {@code x[0..n)}, the residual stream entering {@code layer}. */
    void record(int layer, float[] x, int n) {
        if (inputs != null) {
            inputs[layer] = Arrays.copyOf(x, n);
        }
    }
}
