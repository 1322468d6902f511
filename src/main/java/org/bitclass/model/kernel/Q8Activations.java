package org.bitclass.model.kernel;

import java.util.Arrays;

/**
 * A batch of activations quantized once for integer dot products ({@code [nTokens × cols]}): per token, integer
 * levels as floats, one scale per block, and for Q8_K the sums of each 16 levels (ggml's {@code bsums}), kept split
 * into even and odd ones and as sums per 32. Small batches keep the levels in {@link LaneOrder} layout; large ones
 * ({@link #grouped}) in {@link RowPanel}'s group order, padded with zero tokens to whole panels.
 */
final class Q8Activations {

    final ActivationQuantizer format;
    final int cols;
    final int blocks;
    /** Levels in group order for {@link RowPanel}s rather than in lane order. */
    final boolean grouped;
    /** {@code [tokens × cols]} levels, in lane or group order within each block. */
    final float[] levels;
    /** {@code [tokens × blocks]} block scales. */
    final float[] scales;
    /** Q8_K: per token and block, the sums of levels 16j..16j+15 for even j (8 values), then for odd j. */
    final float[] halfSums;
    /** Q8_K: per token and block, the sums of levels 32j..32j+31 (8 values). */
    final float[] subSums;
    /**
     * A single token: the levels as 16-bit integers, per 32-value chunk the 16 even-indexed ones, then the
     * 16 odd-indexed ones (the order in which 16-bit lanes split stored byte or nibble pairs); null otherwise.
     */
    final short[] pairedLevels;

    /** Room for {@code nTokens}, in {@code previous}'s arrays where they are large enough (it may be null). */
    private Q8Activations(ActivationQuantizer format, int nTokens, int cols, Q8Activations previous) {
        this.format = format;
        this.cols = cols;
        this.blocks = cols / format.blockSize;
        this.grouped = nTokens >= RowPanel.MIN_BATCH;
        if (grouped) {
            nTokens = (nTokens + RowPanel.TOKENS - 1) / RowPanel.TOKENS * RowPanel.TOKENS;
        }
        boolean k = format == ActivationQuantizer.Q8_K;
        boolean reuse = previous != null;
        this.levels = cleared(reuse ? previous.levels : null, nTokens * cols);
        this.scales = cleared(reuse ? previous.scales : null, nTokens * blocks);
        this.halfSums = k ? cleared(reuse ? previous.halfSums : null, nTokens * blocks * 16) : null;
        this.subSums = k ? cleared(reuse ? previous.subSums : null, nTokens * blocks * 8) : null;
        short[] paired = reuse ? previous.pairedLevels : null;
        this.pairedLevels = nTokens != 1 ? null : paired != null && paired.length >= cols ? paired : new short[cols];
    }

    /**
     * {@code buffer} with its first {@code n} values zeroed, or a new array if it is null or smaller: the padding
     * tokens' levels must be zero, and the Q8_K sums are accumulated.
     */
    private static float[] cleared(float[] buffer, int n) {
        if (buffer == null || buffer.length < n) {
            return new float[n];
        }
        Arrays.fill(buffer, 0, n, 0f);
        return buffer;
    }

    /** Quantizes {@code x}, reusing the arrays of {@code previous} (null, or an earlier batch of this format). */
    static Q8Activations quantize(ActivationQuantizer format, float[] x, int nTokens, int cols, Q8Activations previous) {
        Q8Activations a = new Q8Activations(format, nTokens, cols, previous);
        int bs = format.blockSize;
        byte[] q = new byte[bs];
        for (int b = 0; b < nTokens * a.blocks; b++) {
            int off = b * bs;
            a.scales[b] = format.quantizeBlock(x, off, q);
            for (int i = 0; i < bs; i++) {
                int at = a.grouped ? RowPanel.groupPosition(i, bs) : (i & ~31) + LaneOrder.position(i & 31);
                a.levels[off + at] = q[i];
                if (a.pairedLevels != null) {
                    a.pairedLevels[off + (i & ~31) + (i & 1) * 16 + ((i & 31) >> 1)] = q[i];
                }
            }
            if (a.halfSums != null) {
                for (int j = 0; j < 16; j++) {
                    int s = 0;
                    for (int i = 0; i < 16; i++) {
                        s += q[16 * j + i];
                    }
                    a.halfSums[b * 16 + (j & 1) * 8 + (j >> 1)] = s;
                    a.subSums[b * 8 + (j >> 1)] += s;
                }
            }
        }
        return a;
    }
}
