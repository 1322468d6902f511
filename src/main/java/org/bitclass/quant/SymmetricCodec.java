package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0 and Q5_0: 32 values as {@code d * (level - 2^(bits-1))} with one fp16 scale {@code d}. Without
 * importance the scale maps the largest-magnitude value to level 0 (ggml's reference quantizer); with it, a
 * weighted search picks the scale ({@code make_qx_quants}).
 */
final class SymmetricCodec extends LegacyBlockCodec {

    private final int bits;
    private final int offset;
    private final int maxLevel;
    private final int qsStart;

    SymmetricCodec(GgmlType type, int bits) {
        super(type);
        this.bits = bits;
        this.offset = 1 << (bits - 1);
        this.maxLevel = (1 << bits) - 1;
        this.qsStart = bits == 5 ? 6 : 2;
    }

    @Override
    void decodeBlock(MemorySegment src, long at, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, at);
        int qh = bits == 5 ? LittleEndian.u32(src, at + 2) : 0;
        long qs = at + qsStart;
        for (int j = 0; j < LevelPacking.HALF; j++) {
            dst[dstOffset + j] = (LevelPacking.lowLevel(src, qs, qh, j) - offset) * d;
            dst[dstOffset + j + LevelPacking.HALF] = (LevelPacking.highLevel(src, qs, qh, j) - offset) * d;
        }
    }

    @Override
    void encodeBlock(float[] x, int from, float[] weights, ScaleSearch search, int[] levels, byte[] dst, int at) {
        float d = weights == null ? referenceLevels(x, from, levels)
                : search.symmetric(LevelPacking.BLOCK, offset, x, from, weights, levels);
        LittleEndian.putHalf(dst, at, d);
        if (bits == 5) {
            LittleEndian.putU32(dst, at + 2, LevelPacking.fifthBits(levels, 0));
        }
        LevelPacking.putNibbles(levels, 0, dst, at + qsStart);
    }

    /** ggml's reference quantizer for one block; returns the scale. */
    private float referenceLevels(float[] x, int from, int[] levels) {
        float max = ScaleSearch.largestMagnitude(x, from, LevelPacking.BLOCK);
        float d = max / -offset;
        float id = d != 0 ? 1.0f / d : 0.0f;
        float bias = offset + 0.5f;
        for (int j = 0; j < LevelPacking.BLOCK; j++) {
            levels[j] = Math.min(maxLevel, CRounding.toInt8(x[from + j] * id + bias));
        }
        return d;
    }
}
