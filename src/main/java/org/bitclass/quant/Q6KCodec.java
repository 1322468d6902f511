package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q6_K: 16 sub-blocks of 16 values, value = d·scale·(q − 32) with 6-bit q and a signed 8-bit scale per sub-block
 * (6.5625 bits per weight). One routine serves both of ggml's paths ({@code quantize_row_q6_K_ref} and
 * {@code quantize_row_q6_K_impl}): the importance weights, when given, weigh the sub-block search directly.
 */
public final class Q6KCodec extends SuperBlockCodec {

    /**
     * 128 bytes of low nibbles: half {@code h} takes 64 bytes; byte {@code l} (l &lt; 32) holds values
     * {@code 128h+l} (low) and {@code 128h+64+l} (high), byte {@code 32+l} values {@code 128h+32+l} and {@code 128h+96+l}.
     */
    public static final int QL_OFFSET = 0;
    /** 64 bytes of high bit pairs: byte {@code l} of half {@code h} holds values {@code 128h+l+32k} at bits {@code 2k}. */
    public static final int QH_OFFSET = 128;
    /** Sixteen signed bytes, one scale per sub-block. */
    public static final int SCALES_OFFSET = 192;
    public static final int D_OFFSET = 208;
    public static final int BLOCK_BYTES = 210;

    public Q6KCodec() {
        super(GgmlType.Q6_K);
    }

    @Override
    void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        int[] levels = s.levels;
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int j = 0; j < 16; j++) {
            int sub = xOffset + 16 * j;
            for (int i = 0; i < 16; i++) {
                // ggml weighs by x² when it has no importance
                s.weights[i] = importance != null ? importance[impOffset + 16 * j + i] : x[sub + i] * x[sub + i];
            }
            float scale = s.search.symmetric(16, 32, x, sub, s.weights, s.subLevels);
            s.keepSubLevels(16 * j, 16);
            s.scales[j] = scale;
            float abs = Math.abs(scale);
            if (abs > maxAbsScale) {
                maxAbsScale = abs;
                maxScale = scale;
            }
        }
        if (maxAbsScale < ScaleSearch.GROUP_MAX_EPS) {
            return; // an all-zero block, d = +0
        }
        float iscale = -128f / maxScale;
        LittleEndian.putHalf(s.block, D_OFFSET, 1 / iscale);
        float d = LittleEndian.half(s.block, D_OFFSET);
        byte[] out = s.block;
        for (int j = 0; j < 16; j++) {
            out[SCALES_OFFSET + j] = (byte) Math.min(127, CRounding.nearestInt(iscale * s.scales[j]));
        }
        for (int j = 0; j < 16; j++) {
            float dl = d * out[SCALES_OFFSET + j];
            if (dl == 0) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                int l = CRounding.nearestInt(x[xOffset + 16 * j + i] / dl);
                levels[16 * j + i] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }
        for (int half = 0; half < 2; half++) {
            int base = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q1 = levels[base + l];
                int q2 = levels[base + l + 32];
                int q3 = levels[base + l + 64];
                int q4 = levels[base + l + 96];
                out[QL_OFFSET + 64 * half + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                out[QL_OFFSET + 64 * half + l + 32] = (byte) ((q2 & 0xF) | (q4 & 0xF) << 4);
                out[QH_OFFSET + 32 * half + l] = (byte) (q1 >> 4 | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
            }
        }
    }

    @Override
    public void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, offset + D_OFFSET);
        for (int half = 0; half < 2; half++) {
            long ql = offset + QL_OFFSET + 64 * half;
            long qh = offset + QH_OFFSET + 32 * half;
            long sc = offset + SCALES_OFFSET + 8 * half;
            int out = dstOffset + 128 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int lo = LittleEndian.u8(src, ql + l);
                int lo2 = LittleEndian.u8(src, ql + l + 32);
                int hi = LittleEndian.u8(src, qh + l);
                int q1 = ((lo & 0xF) | (hi & 3) << 4) - 32;
                int q2 = ((lo2 & 0xF) | ((hi >> 2) & 3) << 4) - 32;
                int q3 = ((lo >> 4) | ((hi >> 4) & 3) << 4) - 32;
                int q4 = ((lo2 >> 4) | ((hi >> 6) & 3) << 4) - 32;
                dst[out + l] = d * signedByte(src, sc + is) * q1;
                dst[out + l + 32] = d * signedByte(src, sc + is + 2) * q2;
                dst[out + l + 64] = d * signedByte(src, sc + is + 4) * q3;
                dst[out + l + 96] = d * signedByte(src, sc + is + 6) * q4;
            }
        }
    }

    private static int signedByte(MemorySegment src, long offset) {
        return src.get(ValueLayout.JAVA_BYTE, offset);
    }
}
