package org.bitclass.quant;

import java.util.Arrays;

/**
 * The scale searches of llama.cpp's k-quants (and of its weighted legacy quants): given a group of values they
 * choose integer levels and the scale (and min) that fit them best. Each search repeats ggml's float operations in
 * ggml's order, because a single ulp of difference in a scale changes the encoded bytes. That is why this code
 * uses explicit comparisons instead of {@link Math#max(float, float)} (which orders -0 below +0, C's macros do not)
 * and never lets Java widen an intermediate to double.
 * <p>
 * Level arrays are {@code byte[]} holding C's {@code int8_t}/{@code uint8_t} levels; unsigned ones are read with
 * {@code & 0xFF} so that the wrap-around C performs on out-of-range levels is reproduced too.
 */
public final class KQuantSearch {

    /** A group whose largest magnitude is below this counts as all zero (ggml's {@code GROUP_MAX_EPS}). */
    public static final float GROUP_MAX_EPS = 1e-15f;

    private static final float ROUNDING_MAGIC = 12582912f; // 1.5 * 2^23

    private KQuantSearch() {
    }

    /**
     * Rounds to the nearest integer, ties to even, by adding 1.5·2²³ and reading the mantissa (ggml's
     * {@code nearest_int}); valid for |v| ≤ 2²² − 1, and deterministic garbage beyond, exactly like ggml.
     */
    public static int nearestInt(float v) {
        int bits = Float.floatToRawIntBits(v + ROUNDING_MAGIC);
        return (bits & 0x007fffff) - 0x00400000;
    }

    /**
     * Symmetric levels {@code L[i] ∈ [0, 2·nmax)} (value = scale·(L − nmax)) minimising the weighted squared error,
     * trying 19 candidate scales around {@code nmax / max} (ggml's {@code make_qx_quants} with rmse_type 1).
     *
     * @param weights per-value weights from {@code weights[wOff..]}, or null to weigh each value by x²
     * @return the scale, negative when the largest-magnitude value is positive
     */
    public static float makeQxQuants(int n, int nmax, float[] x, int xOff, byte[] levels, int lOff,
                                     float[] weights, int wOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            Arrays.fill(levels, lOff, lOff + n, (byte) 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(nearestInt(iscale * xi), -nmax, nmax - 1);
            levels[lOff + i] = (byte) (l + nmax);
            float w = weights != null ? weights[wOff + i] : xi * xi;
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
                float xi = x[xOff + i];
                int l = clamp(nearestInt(iscale * xi), -nmax, nmax - 1);
                float w = weights != null ? weights[wOff + i] : xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    levels[lOff + i] = (byte) (nmax + clamp(nearestInt(iscale * x[xOff + i]), -nmax, nmax - 1));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * Symmetric levels in [0, 2·nmax) refined by up to five rounds of coordinate descent on the x²-weighted error
     * (ggml's {@code make_q3_quants} with do_rmse).
     */
    public static float makeQ3Quants(int n, int nmax, float[] x, int xOff, byte[] levels, int lOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            Arrays.fill(levels, lOff, lOff + n, (byte) 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(nearestInt(iscale * xi), -nmax, nmax - 1);
            levels[lOff + i] = (byte) l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int round = 0; round < 5; round++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int li = levels[lOff + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = clamp(nearestInt(xi * sl2 / slx), -nmax, nmax - 1);
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[lOff + i] = (byte) newL;
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
            levels[lOff + i] += (byte) nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /**
     * Asymmetric levels {@code L[i] ∈ [0, nmax]} (value = scale·L − min) minimising the weighted error (squared, or
     * absolute when {@code useMad}), trying {@code nstep + 1} candidate scales {@code (nmax + rmin + rdelta·k) /
     * (max − min)} each followed by a least-squares fit of scale and min. This is ggml's {@code make_qkx2_quants}, and
     * {@code make_qkx3_quants} with weights given (the two differ only when weights are null, which no caller does).
     *
     * @param aux     scratch for candidate levels, at least {@code n} long
     * @param minOut  receives the min to subtract ({@code ≥ 0}, possibly -0.0f) at {@code minOut[minIdx]}
     * @return the scale
     */
    public static float makeQkxQuants(int n, int nmax, float[] x, int xOff, float[] weights, int wOff,
                                      byte[] levels, int lOff, byte[] aux, float rmin, float rdelta, int nstep,
                                      boolean useMad, float[] minOut, int minIdx) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[wOff];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float xi = x[xOff + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[wOff + i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            Arrays.fill(levels, lOff, lOff + n, (byte) 0);
            minOut[minIdx] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(nearestInt(iscale * (xi - min)), 0, nmax);
            levels[lOff + i] = (byte) l;
            float diff = scale * l + min - xi;
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[wOff + i] * diff;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int l = clamp(nearestInt(iscale * (xi - min)), 0, nmax);
                aux[i] = (byte) l;
                float w = weights[wOff + i];
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
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    error += weights[wOff + i] * diff;
                }
                if (error < bestError) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        minOut[minIdx] = -min;
        return scale;
    }

    /**
     * Non-negative levels {@code L[i] ∈ [0, nmax]} for values meant to be ≥ 0 (the sub-block scales and mins of a
     * super-block): best of nine candidate scales, then coordinate descent on the weighted squared error (ggml's
     * {@code make_qp_quants}). Levels are stored as C's {@code uint8_t}, wrapping if a value was negative.
     */
    public static float makeQpQuants(int n, int nmax, float[] x, byte[] levels, float[] weights) {
        float max = 0;
        for (int i = 0; i < n; i++) {
            max = max > x[i] ? max : x[i];
        }
        if (max < GROUP_MAX_EPS) {
            Arrays.fill(levels, 0, n, (byte) 0);
            return 0f;
        }
        float iscale = nmax / max;
        for (int i = 0; i < n; i++) {
            levels[i] = (byte) nearestInt(iscale * x[i]);
        }
        float scale = 1 / iscale;
        float bestMse = 0;
        for (int i = 0; i < n; i++) {
            float diff = x[i] - scale * (levels[i] & 0xFF);
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
                int l = Math.min(nmax, nearestInt(iscaleIs * x[i]));
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
            int l = Math.min(nmax, nearestInt(iscale * x[i]));
            levels[i] = (byte) l;
            float w = weights[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        for (int round = 0; round < 5; round++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float w = weights[i];
                int li = levels[i] & 0xFF;
                float slx = sumlx - w * x[i] * li;
                float sl2 = suml2 - w * li * li;
                if (slx > 0 && sl2 > 0) {
                    int newL = Math.min(nmax, nearestInt(x[i] * sl2 / slx));
                    if (newL != li) {
                        slx += w * x[i] * newL;
                        sl2 += w * newL * newL;
                        if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[i] = (byte) newL;
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

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
