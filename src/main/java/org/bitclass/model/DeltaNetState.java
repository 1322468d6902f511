package org.bitclass.model;

import java.util.Arrays;

/**
 * The recurrent memory of one qwen35 sequence, per Gated DeltaNet layer: the convolution history (the last
 * {@code K−1} raw qkv projections) and the delta-rule state matrices. Both start at zero (llama.cpp zeroes a new
 * sequence's cell). Attention layers have no entry.
 */
final class DeltaNetState {

    /** Per layer {@code [(K−1) × conv_dim]}, oldest row first; null for attention layers. */
    final float[][] conv;
    /** Per layer {@code [H_v × d × d]} (see {@link GatedDeltaNet#recur}); null for attention layers. */
    final float[][] ssm;

    DeltaNetState(Qwen35Config c) {
        conv = new float[c.nLayer()][];
        ssm = new float[c.nLayer()][];
        for (int l = 0; l < c.nLayer(); l++) {
            if (c.recurrent()[l]) {
                conv[l] = new float[(c.convKernel() - 1) * c.convDim()];
                ssm[l] = new float[c.valueHeads() * c.stateSize() * c.stateSize()];
            }
        }
    }

    private DeltaNetState(float[][] conv, float[][] ssm) {
        this.conv = conv;
        this.ssm = ssm;
    }

    void clear() {
        for (int l = 0; l < conv.length; l++) {
            if (conv[l] != null) {
                Arrays.fill(conv[l], 0f);
                Arrays.fill(ssm[l], 0f);
            }
        }
    }

    DeltaNetState copy() {
        return new DeltaNetState(deepCopy(conv), deepCopy(ssm));
    }

    void copyFrom(DeltaNetState other) {
        for (int l = 0; l < conv.length; l++) {
            if (conv[l] != null) {
                System.arraycopy(other.conv[l], 0, conv[l], 0, conv[l].length);
                System.arraycopy(other.ssm[l], 0, ssm[l], 0, ssm[l].length);
            }
        }
    }

    private static float[][] deepCopy(float[][] a) {
        return Arrays.stream(a).map(x -> x == null ? null : x.clone()).toArray(float[][]::new);
    }
}
