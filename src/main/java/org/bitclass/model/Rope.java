package org.bitclass.model;

/**
 * Rotary position embedding as ggml's CPU rope computes it: angles in float32, accumulated pair by pair as
 * {@code θ_i = p·s^i} with {@code s = base^(-2/n_rot)}, optional per-pair frequency divisors (Llama 3
 * {@code rope_freqs}), linear scaling and YaRN. The two styles differ only in which values form a pair.
 */
final class Rope {

    enum Style {
        /** llama.cpp's NORM mode: pairs {@code (x[2i], x[2i+1])}. */
        ADJACENT_PAIRS,
        /** NEOX mode: pairs {@code (x[i], x[i + n_rot/2])}. */
        HALVES
    }

    private final Style style;
    private final int nRot;
    private final float thetaScale;
    private final float freqScale;
    private final float extFactor;
    private final float attnFactor;
    private final float[] corrDims;
    private final float[] freqFactors;

    /**
     * @param scaling     the RoPE scaling settings from the GGUF
     * @param freqFactors {@code n_rot/2} divisors of the angles, or null
     */
    Rope(Style style, int nRot, float freqBase, RopeScaling scaling, float[] freqFactors) {
        if (nRot % 2 != 0) {
            throw new IllegalArgumentException("rope dimension count must be even, got " + nRot);
        }
        if (freqFactors != null && freqFactors.length < nRot / 2) {
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " values, expected " + nRot / 2);
        }
        this.style = style;
        this.nRot = nRot;
        this.thetaScale = (float) Math.pow(freqBase, -2.0f / nRot);
        this.freqScale = scaling.freqScale();
        this.extFactor = scaling.extFactor();
        this.attnFactor = scaling.attnFactor();
        this.corrDims = yarnCorrectionDims(nRot, scaling.originalContext(), freqBase, scaling.betaFast(), scaling.betaSlow());
        this.freqFactors = freqFactors;
    }

    int dims() {
        return nRot;
    }

    /** Fills {@code table[off .. off+n_rot)} with (cos, sin) of each pair's angle at position {@code pos}. */
    void angles(int pos, float[] table, int off) {
        float theta = pos;
        for (int i = 0; i < nRot / 2; i++) {
            float extrapolated = freqFactors == null ? theta : theta / freqFactors[i];
            float interpolated = freqScale * extrapolated;
            float angle = interpolated;
            float mscale = attnFactor;
            if (extFactor != 0.0f) {
                float mix = ramp(corrDims[0], corrDims[1], i) * extFactor;
                angle = interpolated * (1 - mix) + extrapolated * mix;
                mscale *= 1.0f + 0.1f * (float) Math.log(1.0f / freqScale);
            }
            table[off + 2 * i] = (float) Math.cos(angle) * mscale;
            table[off + 2 * i + 1] = (float) Math.sin(angle) * mscale;
            theta *= thetaScale;
        }
    }

    /** Rotates the first {@code n_rot} values of {@code x[off..]} by the angles in {@code table[tableOff..]}. */
    void rotate(float[] x, int off, float[] table, int tableOff) {
        int stride = style == Style.HALVES ? nRot / 2 : 1;
        for (int i = 0; i < nRot / 2; i++) {
            int a = off + (style == Style.HALVES ? i : 2 * i);
            int b = a + stride;
            float cos = table[tableOff + 2 * i];
            float sin = table[tableOff + 2 * i + 1];
            float x0 = x[a];
            float x1 = x[b];
            x[a] = x0 * cos - x1 * sin;
            x[b] = x0 * sin + x1 * cos;
        }
    }

    /** YaRN's blend weight of pair {@code i} between extrapolated (1) and interpolated (0) angles. */
    private static float ramp(float low, float high, int i) {
        float y = (i - low) / Math.max(0.001f, high - low);
        return 1 - Math.min(1, Math.max(0, y));
    }

    private static float[] yarnCorrectionDims(int nDims, int nCtxOrig, float base, float betaFast, float betaSlow) {
        float start = (float) Math.floor(correctionDim(nDims, nCtxOrig, betaFast, base));
        float end = (float) Math.ceil(correctionDim(nDims, nCtxOrig, betaSlow, base));
        return new float[] {Math.max(0, start), Math.min(nDims - 1, end)};
    }

    private static float correctionDim(int nDims, int nCtxOrig, float rotations, float base) {
        return nDims * (float) Math.log(nCtxOrig / (rotations * 2 * (float) Math.PI)) / (2 * (float) Math.log(base));
    }
}
