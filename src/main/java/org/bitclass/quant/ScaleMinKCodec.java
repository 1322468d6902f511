package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The common part of Q4_K and Q5_K: 8 sub-blocks of 32 values, value = d·scale·q − dmin·min, with 6-bit scales and
 * mins packed in 12 bytes after the two halves d and dmin. The types differ only in the level range (4 or 5 bits),
 * the search parameters without importance weights, and how the levels are laid out.
 */
public abstract sealed class ScaleMinKCodec extends SuperBlockCodec permits Q4KCodec, Q5KCodec {

    public static final int D_OFFSET = 0;
    public static final int DMIN_OFFSET = 2;
    /** Twelve bytes of eight 6-bit scale/min pairs, read by {@link KPacking#scale6} and {@link KPacking#min6}. */
    public static final int SCALES_OFFSET = 4;

    private static final int SCALE_MAX = 63;

    private final int nmax;
    private final float unweightedRmin;
    private final int unweightedSteps;
    private final boolean clampWeightedScales;

    /**
     * @param unweightedRmin      first candidate offset of the search without importance weights
     * @param unweightedSteps     its number of further candidates (step 0.1)
     * @param clampWeightedScales whether the weighted path clamps scale levels to 63 before packing (Q5_K does,
     *                            Q4_K packs them as they come)
     */
    ScaleMinKCodec(GgmlType type, int nmax, float unweightedRmin, int unweightedSteps, boolean clampWeightedScales) {
        super(type);
        this.nmax = nmax;
        this.unweightedRmin = unweightedRmin;
        this.unweightedSteps = unweightedSteps;
        this.clampWeightedScales = clampWeightedScales;
    }

    /** Writes the 256 levels, each in [0, nmax], into the block's level bytes. */
    abstract void packLevels(int[] levels, byte[] out);

    /** The level of value {@code 64c + i} ({@code i < 64}) of the block stored at {@code src[offset..]}. */
    abstract int level(MemorySegment src, long offset, int c, int i);

    @Override
    public final void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, offset + D_OFFSET);
        float dmin = LittleEndian.half(src, offset + DMIN_OFFSET);
        long scales = offset + SCALES_OFFSET;
        for (int c = 0; c < 4; c++) {
            float d1 = d * KPacking.scale6(src, scales, 2 * c);
            float m1 = dmin * KPacking.min6(src, scales, 2 * c);
            float d2 = d * KPacking.scale6(src, scales, 2 * c + 1);
            float m2 = dmin * KPacking.min6(src, scales, 2 * c + 1);
            int out = dstOffset + 64 * c;
            for (int l = 0; l < 32; l++) {
                dst[out + l] = d1 * level(src, offset, c, l) - m1;
                dst[out + 32 + l] = d2 * level(src, offset, c, 32 + l) - m2;
            }
        }
    }

    @Override
    final void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        if (importance == null) {
            fitScalesFromMaxima(x, xOffset, s);
        } else {
            fitScalesWeighted(x, xOffset, importance, impOffset, s);
        }
        float d = LittleEndian.half(s.block, D_OFFSET);
        float dmin = LittleEndian.half(s.block, DMIN_OFFSET);
        for (int j = 0; j < 8; j++) {
            float dl = d * KPacking.scale6(s.view, SCALES_OFFSET, j);
            if (dl == 0) {
                continue;
            }
            float ml = dmin * KPacking.min6(s.view, SCALES_OFFSET, j);
            for (int i = 0; i < 32; i++) {
                int l = CRounding.nearestInt((x[xOffset + 32 * j + i] + ml) / dl);
                s.levels[32 * j + i] = Math.max(0, Math.min(nmax, l));
            }
        }
        packLevels(s.levels, s.block);
    }

    /**
     * Fits each sub-block with weights rms(sub-block) + |x|, then quantizes scales and mins linearly by their maxima.
     */
    private void fitScalesFromMaxima(float[] x, int xOffset, Scratch s) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            int sub = xOffset + 32 * j;
            float avx = (float) Math.sqrt(ImportanceWeights.sumOfSquares(x, sub, 32) / 32);
            for (int l = 0; l < 32; l++) {
                s.weights[l] = avx + Math.abs(x[sub + l]);
            }
            fitSubBlock(x, xOffset, j, unweightedRmin, 0.1f, unweightedSteps, s);
            if (s.scales[j] > maxScale) {
                maxScale = s.scales[j];
            }
            if (s.mins[j] > maxMin) {
                maxMin = s.mins[j];
            }
        }
        float invScale = maxScale > 0 ? SCALE_MAX / maxScale : 0f;
        float invMin = maxMin > 0 ? SCALE_MAX / maxMin : 0f;
        for (int j = 0; j < 8; j++) {
            // C keeps the rounded values in uint8_t before clamping
            s.scaleLevels[j] = Math.min(SCALE_MAX, CRounding.nearestInt(invScale * s.scales[j]) & 0xFF);
            s.minLevels[j] = Math.min(SCALE_MAX, CRounding.nearestInt(invMin * s.mins[j]) & 0xFF);
        }
        KPacking.packScaleMin6(s.scaleLevels, s.minLevels, s.block, SCALES_OFFSET);
        LittleEndian.putHalf(s.block, D_OFFSET, maxScale / SCALE_MAX);
        LittleEndian.putHalf(s.block, DMIN_OFFSET, maxMin / SCALE_MAX);
    }

    /** Fits each sub-block under importance × √(σ² + x²) weights, then scales and mins by weighted search. */
    private void fitScalesWeighted(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        float sigma2 = 2 * ImportanceWeights.sumOfSquares(x, xOffset, QK_K) / QK_K;
        for (int j = 0; j < 8; j++) {
            ImportanceWeights.blockWeights(importance, impOffset + 32 * j, sigma2, x, xOffset + 32 * j, 32, s.weights);
            s.subBlockWeights[j] = s.sumOfWeights(32);
            fitSubBlock(x, xOffset, j, -0.9f, 0.05f, 36, s);
        }
        float dBlock = ScaleSearch.nonNegative(8, SCALE_MAX, s.scales, s.scaleLevels, s.subBlockWeights);
        float mBlock = ScaleSearch.nonNegative(8, SCALE_MAX, s.mins, s.minLevels, s.subBlockWeights);
        if (clampWeightedScales) {
            for (int j = 0; j < 8; j++) {
                s.scaleLevels[j] = Math.min(SCALE_MAX, s.scaleLevels[j]);
                s.minLevels[j] = Math.min(SCALE_MAX, s.minLevels[j]);
            }
        }
        KPacking.packScaleMin6(s.scaleLevels, s.minLevels, s.block, SCALES_OFFSET);
        LittleEndian.putHalf(s.block, D_OFFSET, dBlock);
        LittleEndian.putHalf(s.block, DMIN_OFFSET, mBlock);
    }

    /** Affine search on sub-block {@code j} with {@code s.weights}: its levels, scale and min (≥ 0) into {@code s}. */
    private void fitSubBlock(float[] x, int xOffset, int j, float rmin, float rdelta, int steps, Scratch s) {
        ScaleSearch.Affine fit = s.search.affine(32, nmax, x, xOffset + 32 * j, s.weights, s.subLevels,
                rmin, rdelta, steps);
        s.keepSubLevels(32 * j, 32);
        s.scales[j] = fit.scale();
        s.mins[j] = -fit.min();
    }
}
