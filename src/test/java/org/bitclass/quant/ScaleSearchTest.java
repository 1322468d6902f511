package org.bitclass.quant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vectorised candidate searches against plain scalar ports of ggml's loops ({@code make_qx_quants} with weights,
 * {@code make_qkx2_quants} / {@code make_qkx3_quants}), bit for bit, on blocks chosen to be awkward: tiny, huge,
 * constant, one-signed, zero weights, NaN and infinities.
 */
class ScaleSearchTest {

    /** {n, nmax} of every symmetric search the codecs run (Q6_K, Q3_K sub-blocks and scales, Q4_0, Q5_0). */
    private static final int[][] SYMMETRIC = {{16, 32}, {16, 4}, {32, 8}, {32, 16}};

    /** {n, nmax, rmin, rdelta, nstep, absoluteError} of every affine search (Q2_K, Q4_K, Q5_K, Q4_1, Q5_1). */
    private static final Object[][] AFFINE = {
            {16, 3, -0.5f, 0.1f, 15, true}, {16, 3, -0.9f, 0.05f, 36, false}, {32, 15, -1f, 0.1f, 20, false},
            {32, 31, -0.5f, 0.1f, 15, false}, {32, 15, -0.9f, 0.05f, 36, false}, {32, 31, -0.9f, 0.05f, 36, false}};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void symmetricMatchesTheScalarLoop(long seed) {
        Random rnd = new Random(seed);
        ScaleSearch search = new ScaleSearch();
        for (int trial = 0; trial < 20_000; trial++) {
            int[] shape = SYMMETRIC[trial % SYMMETRIC.length];
            int n = shape[0];
            int nmax = shape[1];
            float[] x = awkwardBlock(rnd, n, trial);
            float[] w = weights(rnd, x, trial);
            int[] levels = new int[n];
            int[] expected = new int[n];
            float scale = search.symmetric(n, nmax, x, 0, w, levels);
            float reference = symmetricReference(n, nmax, x, w, expected);
            assertThat(Float.floatToRawIntBits(scale)).as("trial %d %s", trial, Arrays.toString(x))
                    .isEqualTo(Float.floatToRawIntBits(reference));
            assertThat(levels).as("trial %d", trial).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void affineMatchesTheScalarLoop(long seed) {
        Random rnd = new Random(seed);
        ScaleSearch search = new ScaleSearch();
        for (int trial = 0; trial < 20_000; trial++) {
            Object[] p = AFFINE[trial % AFFINE.length];
            int n = (int) p[0];
            int nmax = (int) p[1];
            float[] x = awkwardBlock(rnd, n, trial);
            float[] w = weights(rnd, x, trial);
            int[] levels = new int[n];
            int[] expected = new int[n];
            ScaleSearch.Affine fit = search.affine(n, nmax, x, 0, w, levels, (float) p[2], (float) p[3], (int) p[4],
                    (boolean) p[5]);
            float[] reference = affineReference(n, nmax, x, w, expected, (float) p[2], (float) p[3], (int) p[4],
                    (boolean) p[5]);
            assertThat(new int[]{Float.floatToRawIntBits(fit.scale()), Float.floatToRawIntBits(fit.min())})
                    .as("trial %d %s", trial, Arrays.toString(x))
                    .containsExactly(Float.floatToRawIntBits(reference[0]), Float.floatToRawIntBits(reference[1]));
            assertThat(levels).as("trial %d", trial).isEqualTo(expected);
        }
    }

    static float[] awkwardBlock(Random rnd, int n, int trial) {
        float[] x = new float[n];
        double scale = Math.pow(10, rnd.nextInt(12) - 8);
        int kind = trial / 7 % 10;
        for (int i = 0; i < n; i++) {
            double g = rnd.nextGaussian();
            x[i] = (float) (switch (kind) {
                case 0 -> Math.abs(g) * scale;
                case 1 -> -Math.abs(g) * scale;
                case 2 -> 0.25;
                case 3 -> rnd.nextInt(4) == 0 ? g * 1e-40 : 0;
                case 4 -> i == 3 ? 1e30 * g : g;
                default -> g * scale;
            });
        }
        switch (trial % 53) {
            case 0 -> x[rnd.nextInt(n)] = Float.NaN;
            case 1 -> x[rnd.nextInt(n)] = Float.POSITIVE_INFINITY;
            case 2 -> x[rnd.nextInt(n)] = Float.NEGATIVE_INFINITY;
            case 3 -> Arrays.fill(x, 0f);
            default -> { }
        }
        return x;
    }

    static float[] weights(Random rnd, float[] x, int trial) {
        float[] w = new float[x.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = switch (trial / 3 % 4) {
                case 0 -> x[i] * x[i];
                case 1 -> rnd.nextInt(5) == 0 ? 0 : (float) Math.exp(2 * rnd.nextGaussian());
                default -> (float) Math.exp(rnd.nextGaussian());
            };
        }
        return w;
    }

    /** ggml's nearest_int as written in C, garbage outside ±2^22 included. */
    private static int nearestInt(float f) {
        int bits = Float.floatToRawIntBits(f + 12582912f);
        return (bits & 0x007fffff) - 0x00400000;
    }

    /** make_qx_quants with weights, one candidate after the other. */
    private static float symmetricReference(int n, int nmax, float[] x, float[] w, int[] levels) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[i]);
            if (ax > amax) {
                amax = ax;
                max = x[i];
            }
        }
        if (amax < 1e-15f) {
            Arrays.fill(levels, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[i])));
            levels[i] = l + nmax;
            sumlx += w[i] * x[i] * l;
            suml2 += w[i] * l * l;
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
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[i])));
                sumlx += w[i] * x[i] * l;
                suml2 += w[i] * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    levels[i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[i])));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /** make_qkx3_quants (make_qkx2_quants when absolute) with weights; returns {scale, min}. */
    private static float[] affineReference(int n, int nmax, float[] x, float[] w, int[] levels, float rmin,
                                           float rdelta, int nstep, boolean absolute) {
        float min = x[0];
        float max = x[0];
        float sumW = w[0];
        float sumX = sumW * x[0];
        for (int i = 1; i < n; i++) {
            if (x[i] < min) {
                min = x[i];
            }
            if (x[i] > max) {
                max = x[i];
            }
            sumW += w[i];
            sumX += w[i] * x[i];
        }
        if (min > 0) {
            min = 0;
        }
        if (max <= min) {
            Arrays.fill(levels, 0);
            return new float[]{0f, min};
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float best = 0;
        for (int i = 0; i < n; i++) {
            levels[i] = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[i] - min))));
            float diff = scale * levels[i] + min - x[i];
            best += w[i] * (absolute ? Math.abs(diff) : diff * diff);
        }
        int[] aux = new int[n];
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[i] - min))));
                aux[i] = l;
                sumL += w[i] * l;
                sumL2 += w[i] * l * l;
                sumXL += w[i] * l * x[i];
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
                    float diff = thisScale * aux[i] + thisMin - x[i];
                    error += w[i] * (absolute ? Math.abs(diff) : diff * diff);
                }
                if (error < best) {
                    System.arraycopy(aux, 0, levels, 0, n);
                    best = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        return new float[]{scale, min};
    }
}
