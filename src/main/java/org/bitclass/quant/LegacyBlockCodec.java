package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

/**
 * The 32-value quants with an importance-weighted search (Q4_0, Q4_1, Q5_0, Q5_1): each block is encoded on its
 * own, by ggml's reference quantizer without importance, or by a search whose weights take sigma2 from the whole
 * row ({@code quantize_row_q4_0_impl} and siblings).
 */
abstract sealed class LegacyBlockCodec extends BlockCodec permits SymmetricCodec, AffineCodec {

    LegacyBlockCodec(GgmlType type) {
        super(type);
    }

    /**
     * Encodes the 32 values at {@code x[from..]} into {@code dst[at..]}.
     *
     * @param weights the block's importance weights, or null for the reference quantizer
     * @param levels  room for 32 levels
     */
    abstract void encodeBlock(float[] x, int from, float[] weights, ScaleSearch search, int[] levels, byte[] dst,
                              int at);

    @Override
    final RowEncoder newRowEncoder() {
        int[] levels = new int[LevelPacking.BLOCK];
        float[] weights = new float[LevelPacking.BLOCK];
        ScaleSearch search = new ScaleSearch();
        return (src, srcOffset, n, importance, dst, at) -> {
            float sigma2 = importance == null ? 0 : ImportanceWeights.rowSigma2(src, srcOffset, n);
            for (int b = 0; b < n / LevelPacking.BLOCK; b++) {
                int x = srcOffset + b * LevelPacking.BLOCK;
                if (importance != null) {
                    ImportanceWeights.blockWeights(importance, b * LevelPacking.BLOCK, sigma2, src, x,
                            LevelPacking.BLOCK, weights);
                }
                encodeBlock(src, x, importance == null ? null : weights, search, levels, dst,
                        at + b * type().typeSize);
            }
        };
    }
}
