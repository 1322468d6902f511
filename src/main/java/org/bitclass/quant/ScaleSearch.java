package org.bitclass.quant;

import java.util.Arrays;

/**
 * ggml's weighted searches for a block's scale (and minimum), used when quantizing with importance weights.
 * Every sum is accumulated in float in element order, as ggml does; changing the order changes bytes.
 */
final class ScaleSearch {

    /** ggml's threshold below which a block counts as all zeros. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private ScaleSearch() {
    }

    /**
     * Symmetric levels {@code -nmax..nmax-1} ({@code make_qx_quants} with weights): starts from the scale that
     * maps the largest magnitude to {@code -nmax}, then tries 18 nearby scales and keeps the one with the
     * best weighted least-squares fit. Writes levels shifted by {@code nmax} into {@code levels} and returns
     * the scale (0 for an all-zero block, whose levels are then all 0).
     */
    static float symmetric(int n, int nmax, float[] x, int xOffset, float[] weights, int[] levels) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOffset + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOffset + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            Arrays.fill(levels, 0, n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            int l = clampSymmetric(CRounding.nearestInt(iscale * xi), nmax);
            levels[i] = l + nmax;
            float w = weights[i];
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOffset + i];
                int l = clampSymmetric(CRounding.nearestInt(iscale * xi), nmax);
                float w = weights[i];
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    levels[i] = nmax + clampSymmetric(CRounding.nearestInt(iscale * x[xOffset + i]), nmax);
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    private static int clampSymmetric(int l, int nmax) {
        return Math.max(-nmax, Math.min(nmax - 1, l));
    }

    /** Scale and minimum of an affine block: {@code x ≈ scale * level + min}, {@code min <= 0}. */
    record Affine(float scale, float min) {
    }

    /**
     * Affine levels {@code 0..nmax} ({@code make_qkx3_quants} with weights, squared error): starts from the
     * min/max mapping, then for {@code nstep + 1} candidate scales {@code (rmin + rdelta*is + nmax)/(max-min)}
     * fits scale and minimum by weighted least squares (the minimum clamped to at most 0) and keeps the best.
     * Writes the levels into {@code levels}; {@code scratch} must hold {@code n} ints.
     */
    static Affine affine(int n, int nmax, float[] x, int xOffset, float[] weights, int[] levels, int[] scratch,
                         float rmin, float rdelta, int nstep) {
        float min = x[xOffset];
        float max = x[xOffset];
        float sumW = weights[0];
        float sumX = sumW * x[xOffset];
        for (int i = 1; i < n; i++) {
            float xi = x[xOffset + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max <= min) {
            Arrays.fill(levels, 0, n, 0);
            return new Affine(0f, min);
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            levels[i] = clampAffine(CRounding.nearestInt(iscale * (xi - min)), nmax);
            float diff = scale * levels[i] + min - xi;
            bestError += weights[i] * (diff * diff);
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOffset + i];
                int l = clampAffine(CRounding.nearestInt(iscale * (xi - min)), nmax);
                scratch[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * xi;
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * scratch[i] + thisMin - x[xOffset + i];
                    error += weights[i] * (diff * diff);
                }
                if (error < bestError) {
                    System.arraycopy(scratch, 0, levels, 0, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        return new Affine(scale, min);
    }

    private static int clampAffine(int l, int nmax) {
        return Math.max(0, Math.min(nmax, l));
    }
}
