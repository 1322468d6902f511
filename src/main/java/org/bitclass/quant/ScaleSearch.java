package org.bitclass.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * ggml's searches for a block's scale (and minimum): the legacy quants' weighted searches and the k-quants'
 * sub-block and super-block searches. Every sum is accumulated in float in element order, as ggml does; changing
 * the order changes bytes. Comparisons are written out instead of {@link Math#max(float, float)}, which orders -0
 * below +0 where C's macros do not.
 * <p>
 * The two searches that try many candidate scales ({@link #symmetric}, {@link #affine}) evaluate the candidates in
 * the lanes of a vector, one candidate per lane: each lane performs exactly the float operations of the scalar code
 * in the same order, so the sums are bit-identical; the choice among candidates stays scalar and sequential. They
 * are instance methods because they keep their per-lane results in arrays of the instance (one per thread).
 */
final class ScaleSearch {

    /** ggml's threshold below which a block counts as all zeros. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;
    private static final int L = LANES.length();
    /** Room for the largest candidate count (37, Q4_K/Q5_K with importance), rounded up to whole vectors. */
    private static final int MAX_CANDIDATES = (37 + L - 1) / L * L;
    /** Largest block a search takes. */
    private static final int MAX_N = 32;

    private final float[] iscales = new float[MAX_CANDIDATES];
    private final float[] sumsA = new float[MAX_CANDIDATES];
    private final float[] sumsB = new float[MAX_CANDIDATES];
    private final float[] laneScales = new float[L];
    private final float[] laneMins = new float[L];
    /** Each candidate's levels as floats, element i of lane k at {@code i * L + k}. */
    private final float[] laneLevels = new float[MAX_N * L];

    /**
     * Symmetric levels {@code -nmax..nmax-1} ({@code make_qx_quants} with weights): starts from the scale that
     * maps the largest magnitude to {@code -nmax}, then tries 18 nearby scales and keeps the one with the
     * best weighted least-squares fit. Writes levels shifted by {@code nmax} into {@code levels} and returns
     * the scale (0 for an all-zero block, whose levels are then all 0).
     */
    float symmetric(int n, int nmax, float[] x, int xOffset, float[] weights, int[] levels) {
        float max = largestMagnitude(x, xOffset, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            Arrays.fill(levels, 0, n, 0);
            return 0f;
        }
        // candidate 0 is ggml's starting scale, then is = -9..-1, 1..9 in ggml's order
        int candidates = 19;
        iscales[0] = -nmax / max;
        for (int k = 1; k < candidates; k++) {
            int is = k <= 9 ? k - 10 : k - 9;
            iscales[k] = -(nmax + 0.1f * is) / max;
        }
        float[] sumlx = sumsA;
        float[] suml2 = sumsB;
        for (int g = 0; g < candidates; g += L) {
            FloatVector iscale = FloatVector.fromArray(LANES, iscales, g);
            FloatVector lx = FloatVector.zero(LANES);
            FloatVector l2 = FloatVector.zero(LANES);
            for (int i = 0; i < n; i++) {
                float xi = x[xOffset + i];
                float w = weights[i];
                FloatVector l = (FloatVector) CRounding.nearestInt(iscale.mul(xi)).max(-nmax).min(nmax - 1)
                        .convert(VectorOperators.I2F, 0);
                lx = lx.add(l.mul(w * xi));
                l2 = l2.add(l.mul(w).mul(l));
            }
            lx.intoArray(sumlx, g);
            l2.intoArray(suml2, g);
        }
        float scale = suml2[0] != 0 ? sumlx[0] / suml2[0] : 0.0f;
        float best = scale * sumlx[0];
        int chosen = 0;
        for (int k = 1; k < candidates; k++) {
            if (suml2[k] > 0 && sumlx[k] * sumlx[k] > best * suml2[k]) {
                scale = sumlx[k] / suml2[k];
                best = scale * sumlx[k];
                chosen = k;
            }
        }
        float iscale = iscales[chosen];
        for (int i = 0; i < n; i++) {
            levels[i] = nmax + clampSymmetric(CRounding.nearestInt(iscale * x[xOffset + i]), nmax);
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
     * Writes the levels into {@code levels}.
     */
    Affine affine(int n, int nmax, float[] x, int xOffset, float[] weights, int[] levels, float rmin, float rdelta,
                  int nstep) {
        return affine(n, nmax, x, xOffset, weights, levels, rmin, rdelta, nstep, false);
    }

    /**
     * {@link #affine} minimising either the weighted squared error or, with {@code absoluteError}, the weighted
     * absolute error ({@code make_qkx2_quants} with use_mad, which Q2_K uses without importance weights;
     * {@code make_qkx2_quants} and {@code make_qkx3_quants} agree whenever weights are given).
     * <p>
     * ggml lets a better candidate's minimum replace the block minimum for the candidates after it, so they are not
     * independent: lanes evaluate a window of consecutive candidates with the current minimum, the window is
     * scanned in order, and after an improvement the next window starts at the candidate that follows it.
     */
    Affine affine(int n, int nmax, float[] x, int xOffset, float[] weights, int[] levels, float rmin, float rdelta,
                  int nstep, boolean absoluteError) {
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
        float[] det = sumsA;
        float[] laneErrors = sumsB;
        int first = 0;
        while (first <= nstep) {
            int end = Math.min(first + L, nstep + 1);
            fitAffineWindow(first, nstep, n, nmax, x, xOffset, weights, min, max, sumW, sumX, rmin, rdelta,
                    absoluteError);
            int next = end;
            for (int k = first; k < end; k++) {
                int lane = k - first;
                if (det[lane] > 0 && laneErrors[lane] < bestError) {
                    for (int i = 0; i < n; i++) {
                        levels[i] = (int) laneLevels[i * L + lane];
                    }
                    bestError = laneErrors[lane];
                    scale = laneScales[lane];
                    min = laneMins[lane];
                    next = k + 1;
                    break;
                }
            }
            first = next;
        }
        return new Affine(scale, min);
    }

    /**
     * Candidates {@code first..first+L-1} (later ones repeat {@code nstep}) in the lanes: levels into
     * {@link #laneLevels}, the least-squares determinant into {@link #sumsA}, scale and min into {@link #laneScales}
     * and {@link #laneMins}, the weighted error into {@link #sumsB}.
     */
    private void fitAffineWindow(int first, int nstep, int n, int nmax, float[] x, int xOffset, float[] weights,
                                 float min, float max, float sumW, float sumX, float rmin, float rdelta,
                                 boolean absoluteError) {
        for (int lane = 0; lane < L; lane++) {
            iscales[lane] = (rmin + rdelta * Math.min(first + lane, nstep) + nmax) / (max - min);
        }
        FloatVector iscale = FloatVector.fromArray(LANES, iscales, 0);
        FloatVector sumL = FloatVector.zero(LANES);
        FloatVector sumL2 = FloatVector.zero(LANES);
        FloatVector sumXL = FloatVector.zero(LANES);
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            FloatVector l = (FloatVector) CRounding.nearestInt(iscale.mul(xi - min)).max(0).min(nmax)
                    .convert(VectorOperators.I2F, 0);
            l.intoArray(laneLevels, i * L);
            FloatVector wl = l.mul(weights[i]);
            sumL = sumL.add(wl);
            sumL2 = sumL2.add(wl.mul(l));
            sumXL = sumXL.add(wl.mul(xi));
        }
        FloatVector det = sumL2.mul(sumW).sub(sumL.mul(sumL));
        FloatVector thisScale = sumXL.mul(sumW).sub(sumL.mul(sumX)).div(det);
        FloatVector thisMin = sumL2.mul(sumX).sub(sumL.mul(sumXL)).div(det);
        VectorMask<Float> positive = thisMin.compare(VectorOperators.GT, 0f);
        thisScale = thisScale.blend(sumXL.div(sumL2), positive);
        thisMin = thisMin.blend(0f, positive);
        FloatVector error = FloatVector.zero(LANES);
        for (int i = 0; i < n; i++) {
            FloatVector l = FloatVector.fromArray(LANES, laneLevels, i * L);
            FloatVector diff = thisScale.mul(l).add(thisMin).sub(x[xOffset + i]);
            FloatVector e = absoluteError ? diff.abs() : diff.mul(diff);
            error = error.add(e.mul(weights[i]));
        }
        det.intoArray(sumsA, 0);
        thisScale.intoArray(laneScales, 0);
        thisMin.intoArray(laneMins, 0);
        error.intoArray(sumsB, 0);
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
        float max = largestMagnitude(x, xOffset, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
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
