package org.bitclass.quant;

import java.util.Arrays;

/**
 * ggml's searches for a block's scale (and minimum): the legacy quants' weighted searches and the k-quants'
 * sub-block and super-block searches. Every sum is accumulated in float in element order, as ggml does; changing
 * the order changes bytes. Comparisons are written out instead of {@link Math#max(float, float)}, which orders -0
 * below +0 where C's macros do not.
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
        float max = largestMagnitude(x, xOffset, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
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

    /** The first of the values with the largest magnitude, sign kept (0 for all zeros; NaNs are skipped). */
    static float largestMagnitude(float[] x, int from, int n) {
        float max = 0;
        float amax = 0;
        for (int i = from; i < from + n; i++) {
            float ax = Math.abs(x[i]);
            if (ax > amax) {
                amax = ax;
                max = x[i];
            }
        }
        return max;
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
        return affine(n, nmax, x, xOffset, weights, levels, scratch, rmin, rdelta, nstep, false);
    }

    /**
     * {@link #affine} minimising either the weighted squared error or, with {@code absoluteError}, the weighted
     * absolute error ({@code make_qkx2_quants} with use_mad, which Q2_K uses without importance weights;
     * {@code make_qkx2_quants} and {@code make_qkx3_quants} agree whenever weights are given).
     */
    static Affine affine(int n, int nmax, float[] x, int xOffset, float[] weights, int[] levels, int[] scratch,
                         float rmin, float rdelta, int nstep, boolean absoluteError) {
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
            bestError += weights[i] * error(diff, absoluteError);
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
                    error += weights[i] * error(diff, absoluteError);
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

    private static float error(float diff, boolean absolute) {
        return absolute ? Math.abs(diff) : diff * diff;
    }

    /**
     * Symmetric levels {@code -nmax..nmax-1} weighted by x², refined by up to five rounds of coordinate descent
     * ({@code make_q3_quants} with do_rmse, Q3_K's search without importance). Writes levels shifted by
     * {@code nmax} into {@code levels[levelOffset..]} and returns the scale.
     */
    static float symmetricDescent(int n, int nmax, float[] x, int xOffset, int[] levels, int levelOffset) {
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
            Arrays.fill(levels, levelOffset, levelOffset + n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            int l = clampSymmetric(CRounding.nearestInt(iscale * xi), nmax);
            levels[levelOffset + i] = l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int round = 0; round < 5; round++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOffset + i];
                int li = levels[levelOffset + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = clampSymmetric(CRounding.nearestInt(xi * sl2 / slx), nmax);
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[levelOffset + i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            levels[levelOffset + i] += nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /**
     * Levels {@code 0..nmax} for values meant to be non-negative (a super-block's sub-block scales or mins): the
     * best of nine candidate scales around {@code nmax / max}, then coordinate descent on the weighted squared
     * error ({@code make_qp_quants}). Levels are kept as C's {@code uint8_t}, so a negative one wraps to 256 − l.
     */
    static float nonNegative(int n, int nmax, float[] x, int[] levels, float[] weights) {
        float max = 0;
        for (int i = 0; i < n; i++) {
            max = max > x[i] ? max : x[i];
        }
        if (max < GROUP_MAX_EPS) {
            Arrays.fill(levels, 0, n, 0);
            return 0f;
        }
        float iscale = nmax / max;
        for (int i = 0; i < n; i++) {
            levels[i] = CRounding.nearestInt(iscale * x[i]) & 0xFF;
        }
        float scale = 1 / iscale;
        float bestMse = 0;
        for (int i = 0; i < n; i++) {
            float diff = x[i] - scale * levels[i];
            bestMse += weights[i] * diff * diff;
        }
        for (int is = -4; is <= 4; is++) {
            if (is == 0) {
                continue;
            }
            float iscaleIs = (0.1f * is + nmax) / max;
            float scaleIs = 1 / iscaleIs;
            float mse = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.min(nmax, CRounding.nearestInt(iscaleIs * x[i]));
                float diff = x[i] - scaleIs * l;
                mse += weights[i] * diff * diff;
            }
            if (mse < bestMse) {
                bestMse = mse;
                iscale = iscaleIs;
            }
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.min(nmax, CRounding.nearestInt(iscale * x[i]));
            levels[i] = l & 0xFF;
            float w = weights[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        for (int round = 0; round < 5; round++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float w = weights[i];
                int li = levels[i];
                float slx = sumlx - w * x[i] * li;
                float sl2 = suml2 - w * li * li;
                if (slx > 0 && sl2 > 0) {
                    int newL = Math.min(nmax, CRounding.nearestInt(x[i] * sl2 / slx));
                    if (newL != li) {
                        slx += w * x[i] * newL;
                        sl2 += w * newL * newL;
                        if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[i] = newL & 0xFF;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    private static int clampAffine(int l, int nmax) {
        return Math.max(0, Math.min(nmax, l));
    }
}
