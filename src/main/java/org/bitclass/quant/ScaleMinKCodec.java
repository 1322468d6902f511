package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The common part of Q4_K and Q5_K: 8 sub-blocks of 32 values, value = d·scale·q − dmin·min, with 6-bit scales and
 * mins packed in 12 bytes after the two halves d and dmin. The types differ only in the level range (4 or 5 bits),
 * the search parameters without importance weights, and how the levels are laid out.
 */
abstract sealed class ScaleMinKCodec extends SuperBlockCodec permits Q4KCodec, Q5KCodec {

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
    abstract void packLevels(byte[] levels, byte[] out);

    @Override
    final void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch s, byte[] out) {
        if (importance == null) {
            fitScalesFromMaxima(x, xOffset, s, out);
        } else {
            fitScalesWeighted(x, xOffset, importance, impOffset, s, out);
        }
        float d = Fp16.read(out, D_OFFSET);
        float dmin = Fp16.read(out, DMIN_OFFSET);
        MemorySegment block = MemorySegment.ofArray(out);
        byte[] levels = s.levels;
        for (int j = 0; j < 8; j++) {
            float dl = d * KPacking.scale6(block, SCALES_OFFSET, j);
            if (dl == 0) {
                continue;
            }
            float ml = dmin * KPacking.min6(block, SCALES_OFFSET, j);
            for (int i = 0; i < 32; i++) {
                int l = KQuantSearch.nearestInt((x[xOffset + 32 * j + i] + ml) / dl);
                levels[32 * j + i] = (byte) Math.max(0, Math.min(nmax, l));
            }
        }
        packLevels(levels, out);
    }

    /**
     * Fits each sub-block with weights rms(sub-block) + |x|, then quantizes scales and mins linearly by their maxima.
     */
    private void fitScalesFromMaxima(float[] x, int xOffset, Scratch s, byte[] out) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            int sub = xOffset + 32 * j;
            float sumx2 = 0;
            for (int l = 0; l < 32; l++) {
                sumx2 += x[sub + l] * x[sub + l];
            }
            float avx = (float) Math.sqrt(sumx2 / 32);
            for (int l = 0; l < 32; l++) {
                s.weights[l] = avx + Math.abs(x[sub + l]);
            }
            s.scales[j] = KQuantSearch.makeQkxQuants(32, nmax, x, sub, s.weights, 0, s.levels, 32 * j, s.aux,
                    unweightedRmin, 0.1f, unweightedSteps, false, s.mins, j);
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
            s.packedScales[j] = Math.min(SCALE_MAX, KQuantSearch.nearestInt(invScale * s.scales[j]) & 0xFF);
            s.packedMins[j] = Math.min(SCALE_MAX, KQuantSearch.nearestInt(invMin * s.mins[j]) & 0xFF);
        }
        KPacking.packScaleMin6(s.packedScales, s.packedMins, out, SCALES_OFFSET);
        Fp16.write(out, D_OFFSET, maxScale / SCALE_MAX);
        Fp16.write(out, DMIN_OFFSET, maxMin / SCALE_MAX);
    }

    /** Fits each sub-block under importance × √(σ² + x²) weights, then scales and mins by weighted search. */
    private void fitScalesWeighted(float[] x, int xOffset, float[] importance, int impOffset, Scratch s, byte[] out) {
        float sumx2 = 0;
        for (int l = 0; l < QK_K; l++) {
            sumx2 += x[xOffset + l] * x[xOffset + l];
        }
        float sigma2 = 2 * sumx2 / QK_K;
        for (int j = 0; j < 8; j++) {
            float sumw = 0;
            for (int l = 0; l < 32; l++) {
                float xi = x[xOffset + 32 * j + l];
                s.weights[l] = importance[impOffset + 32 * j + l] * (float) Math.sqrt(sigma2 + xi * xi);
                sumw += s.weights[l];
            }
            s.subBlockWeights[j] = sumw;
            s.scales[j] = KQuantSearch.makeQkxQuants(32, nmax, x, xOffset + 32 * j, s.weights, 0, s.levels, 32 * j,
                    s.aux, -0.9f, 0.05f, 36, false, s.mins, j);
        }
        float dBlock = KQuantSearch.makeQpQuants(8, SCALE_MAX, s.scales, s.scaleLevels, s.subBlockWeights);
        float mBlock = KQuantSearch.makeQpQuants(8, SCALE_MAX, s.mins, s.minLevels, s.subBlockWeights);
        for (int j = 0; j < 8; j++) {
            int ls = s.scaleLevels[j] & 0xFF;
            int lm = s.minLevels[j] & 0xFF;
            s.packedScales[j] = clampWeightedScales ? Math.min(SCALE_MAX, ls) : ls;
            s.packedMins[j] = clampWeightedScales ? Math.min(SCALE_MAX, lm) : lm;
        }
        KPacking.packScaleMin6(s.packedScales, s.packedMins, out, SCALES_OFFSET);
        Fp16.write(out, D_OFFSET, dBlock);
        Fp16.write(out, DMIN_OFFSET, mBlock);
    }
}
