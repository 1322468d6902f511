package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_1 and Q5_1: 32 values as {@code d * level + m} with fp16 scale {@code d} and minimum {@code m}. Without
 * importance the levels span the block's min..max (ggml's reference quantizer); with it, a weighted search
 * fits scale and minimum ({@code make_qkx3_quants}).
 */
final class AffineCodec extends LegacyBlockCodec {

    private static final float SEARCH_RMIN = -0.9f;
    private static final float SEARCH_RDELTA = 0.05f;
    private static final int SEARCH_STEPS = 36;

    private final int bits;
    private final int maxLevel;
    private final int qsStart;

    AffineCodec(GgmlType type, int bits) {
        super(type);
        this.bits = bits;
        this.maxLevel = (1 << bits) - 1;
        this.qsStart = bits == 5 ? 8 : 4;
    }

    @Override
    void decodeBlock(MemorySegment src, long at, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, at);
        float m = LittleEndian.half(src, at + 2);
        int qh = bits == 5 ? LittleEndian.u32(src, at + 4) : 0;
        long qs = at + qsStart;
        for (int j = 0; j < LevelPacking.HALF; j++) {
            dst[dstOffset + j] = LevelPacking.lowLevel(src, qs, qh, j) * d + m;
            dst[dstOffset + j + LevelPacking.HALF] = LevelPacking.highLevel(src, qs, qh, j) * d + m;
        }
    }

    @Override
    void encodeBlock(float[] x, int from, float[] weights, ScaleSearch search, int[] levels, byte[] dst, int at) {
        ScaleSearch.Affine fit = weights == null ? referenceLevels(x, from, levels)
                : search.affine(LevelPacking.BLOCK, maxLevel, x, from, weights, levels, SEARCH_RMIN, SEARCH_RDELTA,
                SEARCH_STEPS);
        LittleEndian.putHalf(dst, at, fit.scale());
        LittleEndian.putHalf(dst, at + 2, fit.min());
        if (bits == 5) {
            LittleEndian.putU32(dst, at + 4, LevelPacking.fifthBits(levels, 0));
        }
        LevelPacking.putNibbles(levels, 0, dst, at + qsStart);
    }

    /** ggml's reference quantizer for one block. */
    private ScaleSearch.Affine referenceLevels(float[] x, int from, int[] levels) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < LevelPacking.BLOCK; j++) {
            float v = x[from + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / maxLevel;
        float id = d != 0 ? 1.0f / d : 0.0f;
        for (int j = 0; j < LevelPacking.BLOCK; j++) {
            float v = (x[from + j] - min) * id + 0.5f;
            // ggml clamps Q4_1 levels as int8 but converts Q5_1 levels straight to uint8
            levels[j] = bits == 4 ? Math.min(maxLevel, CRounding.toInt8(v)) : CRounding.toUint8(v);
        }
        return new ScaleSearch.Affine(d, min);
    }
}
