package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q3_K: 16 sub-blocks of 16 values, value = d·scale·(q − 4) with 3-bit q (2 low bits in {@code qs}, the high bit in
 * {@code hmask}) and a signed 6-bit scale per sub-block (3.4375 bits per weight). Without importance weights this
 * follows ggml's {@code quantize_row_q3_K_ref}, with them {@code quantize_row_q3_K_impl}.
 */
public final class Q3KCodec extends SuperBlockCodec {

    /** 32 bytes; bit {@code e/32} of byte {@code e%32} is the high bit of value {@code e}, set for q ≥ 4. */
    public static final int HMASK_OFFSET = 0;
    /** 64 bytes of the two low bits, laid out as {@link KPacking#packTwoBitLevels}. */
    public static final int QS_OFFSET = 32;
    /** Twelve bytes of sixteen biased 6-bit scales, read by {@link KPacking#signedScale6x16}. */
    public static final int SCALES_OFFSET = 96;
    public static final int D_OFFSET = 108;
    public static final int BLOCK_BYTES = 110;

    public Q3KCodec() {
        super(GgmlType.Q3_K);
    }

    @Override
    void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        if (importance == null) {
            fitScalesFromMaximum(x, xOffset, s);
        } else {
            fitScalesWeighted(x, xOffset, importance, impOffset, s);
        }
        float d = LittleEndian.half(s.block, D_OFFSET);
        int[] levels = s.levels;
        for (int j = 0; j < 16; j++) {
            float dl = d * KPacking.signedScale6x16(s.view, SCALES_OFFSET, j);
            if (dl == 0) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                int l = CRounding.nearestInt(x[xOffset + 16 * j + i] / dl);
                levels[16 * j + i] = Math.max(-4, Math.min(3, l)) + 4;
            }
        }
        for (int e = 0; e < QK_K; e++) {
            if (levels[e] > 3) {
                s.block[HMASK_OFFSET + e % 32] |= (byte) (1 << (e / 32));
                levels[e] -= 4;
            }
        }
        KPacking.packTwoBitLevels(levels, s.block, QS_OFFSET);
    }

    /** Fits each sub-block by x²-weighted descent, then scales all scales linearly by the largest in magnitude. */
    private static void fitScalesFromMaximum(float[] x, int xOffset, Scratch s) {
        float maxScale = 0;
        float amax = 0;
        for (int j = 0; j < 16; j++) {
            s.scales[j] = ScaleSearch.symmetricDescent(16, 4, x, xOffset + 16 * j, s.levels, 16 * j);
            float scale = Math.abs(s.scales[j]);
            if (scale > amax) {
                amax = scale;
                maxScale = s.scales[j];
            }
        }
        if (maxScale != 0) {
            float iscale = -32f / maxScale;
            for (int j = 0; j < 16; j++) {
                int l = (byte) CRounding.nearestInt(iscale * s.scales[j]); // C keeps it in an int8_t
                s.scaleLevels[j] = Math.max(-32, Math.min(31, l)) + 32;
            }
            KPacking.packScale6x16(s.scaleLevels, s.block, SCALES_OFFSET);
            LittleEndian.putHalf(s.block, D_OFFSET, 1 / iscale);
        } else {
            LittleEndian.putHalf(s.block, D_OFFSET, 0f);
        }
    }

    /** Fits each sub-block under importance × √(σ² + x²) weights, then the scales by a weighted symmetric search. */
    private static void fitScalesWeighted(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        float sigma2 = 2 * ImportanceWeights.sumOfSquares(x, xOffset, QK_K) / QK_K;
        for (int j = 0; j < 16; j++) {
            ImportanceWeights.blockWeights(importance, impOffset + 16 * j, sigma2, x, xOffset + 16 * j, 16, s.weights);
            s.subBlockWeights[j] = s.sumOfWeights(16);
            s.scales[j] = s.search.symmetric(16, 4, x, xOffset + 16 * j, s.weights, s.subLevels);
            s.keepSubLevels(16 * j, 16);
        }
        float dBlock = s.search.symmetric(16, 32, s.scales, 0, s.subBlockWeights, s.scaleLevels);
        KPacking.packScale6x16(s.scaleLevels, s.block, SCALES_OFFSET);
        LittleEndian.putHalf(s.block, D_OFFSET, dBlock);
    }

    @Override
    public void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, offset + D_OFFSET);
        int out = dstOffset;
        int sub = 0;
        for (int half = 0; half < 2; half++) {
            long qs = offset + QS_OFFSET + half * 32;
            for (int plane = 0; plane < 4; plane++) {
                int shift = 2 * plane;
                int highBit = 1 << (4 * half + plane);
                for (int part = 0; part < 2; part++) {
                    float dl = d * KPacking.signedScale6x16(src, offset + SCALES_OFFSET, sub++);
                    for (int l = 0; l < 16; l++) {
                        int i = part * 16 + l;
                        int q = (LittleEndian.u8(src, qs + i) >> shift) & 3;
                        int hm = LittleEndian.u8(src, offset + HMASK_OFFSET + i) & highBit;
                        dst[out++] = dl * (q - (hm != 0 ? 0 : 4));
                    }
                }
            }
        }
    }
}
