package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q2_K: 16 sub-blocks of 16 values, value = d·scale·q − dmin·min with 2-bit q and 4-bit scale/min per sub-block
 * (2.625 bits per weight). Without importance weights this follows ggml's {@code quantize_row_q2_K_ref}, with them
 * {@code quantize_row_q2_K_impl}.
 */
public final class Q2KCodec extends SuperBlockCodec {

    /** Sixteen bytes, scale in the low nibble and min in the high nibble of sub-block {@code j}'s byte. */
    public static final int SCALES_OFFSET = 0;
    /** 64 bytes of 2-bit levels, laid out as {@link KPacking#packTwoBitLevels}. */
    public static final int QS_OFFSET = 16;
    public static final int D_OFFSET = 80;
    public static final int DMIN_OFFSET = 82;
    public static final int BLOCK_BYTES = 84;

    private static final int SCALE_MAX = 15;

    public Q2KCodec() {
        super(GgmlType.Q2_K);
    }

    @Override
    void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        if (importance == null) {
            fitScalesFromMaxima(x, xOffset, s);
        } else {
            fitScalesWeighted(x, xOffset, importance, impOffset, s);
        }
        float d = LittleEndian.half(s.block, D_OFFSET);
        float dmin = LittleEndian.half(s.block, DMIN_OFFSET);
        for (int j = 0; j < 16; j++) {
            int sc = s.block[SCALES_OFFSET + j] & 0xFF;
            float dl = d * (sc & 0xF);
            if (dl == 0) {
                continue;
            }
            float ml = dmin * (sc >> 4);
            for (int i = 0; i < 16; i++) {
                int l = CRounding.nearestInt((x[xOffset + 16 * j + i] + ml) / dl);
                s.levels[16 * j + i] = Math.max(0, Math.min(3, l));
            }
        }
        KPacking.packTwoBitLevels(s.levels, s.block, QS_OFFSET);
    }

    /** Fits each sub-block by |x|-weighted absolute error, then scales scales and mins linearly by their maxima. */
    private static void fitScalesFromMaxima(float[] x, int xOffset, Scratch s) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 16; j++) {
            for (int l = 0; l < 16; l++) {
                s.weights[l] = Math.abs(x[xOffset + 16 * j + l]);
            }
            fitSubBlock(x, xOffset, j, -0.5f, 0.1f, 15, true, s);
            if (s.scales[j] > maxScale) {
                maxScale = s.scales[j];
            }
            if (s.mins[j] > maxMin) {
                maxMin = s.mins[j];
            }
        }
        if (maxScale > 0) {
            float iscale = SCALE_MAX / maxScale;
            for (int j = 0; j < 16; j++) {
                s.block[SCALES_OFFSET + j] = (byte) CRounding.nearestInt(iscale * s.scales[j]);
            }
            LittleEndian.putHalf(s.block, D_OFFSET, maxScale / SCALE_MAX);
        } else {
            LittleEndian.putHalf(s.block, D_OFFSET, 0f);
        }
        if (maxMin > 0) {
            float iscale = SCALE_MAX / maxMin;
            for (int j = 0; j < 16; j++) {
                s.block[SCALES_OFFSET + j] |= (byte) (CRounding.nearestInt(iscale * s.mins[j]) << 4);
            }
            LittleEndian.putHalf(s.block, DMIN_OFFSET, maxMin / SCALE_MAX);
        } else {
            LittleEndian.putHalf(s.block, DMIN_OFFSET, 0f);
        }
    }

    /** Fits each sub-block under importance × √(σ² + x²) weights, then the scales and mins by weighted search. */
    private static void fitScalesWeighted(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        float sigma2 = ImportanceWeights.sumOfSquares(x, xOffset, QK_K) / QK_K;
        for (int j = 0; j < 16; j++) {
            ImportanceWeights.blockWeights(importance, impOffset + 16 * j, sigma2, x, xOffset + 16 * j, 16, s.weights);
            s.subBlockWeights[j] = s.sumOfWeights(16);
            fitSubBlock(x, xOffset, j, -0.9f, 0.05f, 36, false, s);
        }
        float dm = ScaleSearch.nonNegative(16, SCALE_MAX, s.scales, s.scaleLevels, s.subBlockWeights);
        float mm = ScaleSearch.nonNegative(16, SCALE_MAX, s.mins, s.minLevels, s.subBlockWeights);
        LittleEndian.putHalf(s.block, D_OFFSET, dm);
        LittleEndian.putHalf(s.block, DMIN_OFFSET, mm);
        for (int j = 0; j < 16; j++) {
            s.block[SCALES_OFFSET + j] = (byte) (s.scaleLevels[j] | s.minLevels[j] << 4);
        }
    }

    /** Affine search on sub-block {@code j} with {@code s.weights}: its levels, scale and min (≥ 0) into {@code s}. */
    private static void fitSubBlock(float[] x, int xOffset, int j, float rmin, float rdelta, int steps,
                                    boolean absoluteError, Scratch s) {
        ScaleSearch.Affine fit = s.search.affine(16, 3, x, xOffset + 16 * j, s.weights, s.subLevels,
                rmin, rdelta, steps, absoluteError);
        s.keepSubLevels(16 * j, 16);
        s.scales[j] = fit.scale();
        s.mins[j] = -fit.min();
    }

    @Override
    public void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, offset + D_OFFSET);
        float dmin = LittleEndian.half(src, offset + DMIN_OFFSET);
        int out = dstOffset;
        int sub = 0;
        for (int half = 0; half < 2; half++) {
            long qs = offset + QS_OFFSET + half * 32;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int part = 0; part < 2; part++) {
                    int sc = LittleEndian.u8(src, offset + SCALES_OFFSET + sub++);
                    float dl = d * (sc & 0xF);
                    float ml = dmin * (sc >> 4);
                    for (int l = 0; l < 16; l++) {
                        dst[out++] = dl * ((LittleEndian.u8(src, qs + part * 16 + l) >> shift) & 3) - ml;
                    }
                }
            }
        }
    }
}
