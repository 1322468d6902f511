package org.bitclass.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The delta-rule step kernels against each other and against a double-precision reference of spec §4 step 6. */
class GatedDeltaNetTest {

    /** Vector and scalar kernels do the same float operations per state value, so they agree bit for bit. */
    @ParameterizedTest
    @CsvSource({"64, 1", "64, 2", "128, 3"})
    void vectorStepEqualsScalarStep(int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] s1 = gaussian(random, d * d, 0.3f);
        float[] s2 = s1.clone();
        float[] o1 = new float[d];
        float[] o2 = new float[d];
        for (int step = 0; step < 8; step++) {
            float[] x = qkv(random, d);
            float decay = (float) Math.exp(-random.nextDouble() * 2);
            float beta = (float) random.nextDouble();
            GatedDeltaNet.stepVectors(s1, 0, d, x, 0, d, 2 * d, decay, beta, 0.125f, o1, 0);
            GatedDeltaNet.stepScalar(s2, 0, d, x, 0, d, 2 * d, decay, beta, 0.125f, o2, 0);
            assertThat(o1).isEqualTo(o2);
        }
        assertThat(s1).isEqualTo(s2);
    }

    @ParameterizedTest
    @CsvSource({"24, 4", "64, 5"})
    void stepMatchesDoublePrecisionDeltaRule(int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] s = new float[d * d];
        double[][] ref = new double[d][d];
        float[] out = new float[d];
        float scale = (float) (1 / Math.sqrt(d));
        for (int step = 0; step < 12; step++) {
            float[] x = qkv(random, d);
            float g = (float) -random.nextDouble();
            float beta = (float) random.nextDouble();
            GatedDeltaNet.stepScalar(s, 0, d, x, 0, d, 2 * d, (float) Math.exp(g), beta, scale, out, 0);
            for (int j = 0; j < d; j++) {
                double sk = 0;
                for (int r = 0; r < d; r++) {
                    ref[r][j] *= Math.exp(g);
                    sk += ref[r][j] * x[d + r];
                }
                double delta = beta * (x[2 * d + j] - sk);
                double o = 0;
                for (int r = 0; r < d; r++) {
                    ref[r][j] += x[d + r] * delta;
                    o += ref[r][j] * x[r];
                }
                assertThat((double) out[j]).isCloseTo(o * scale, within(1e-5));
            }
        }
        for (int r = 0; r < d; r++) {
            for (int j = 0; j < d; j++) {
                assertThat((double) s[r * d + j]).isCloseTo(ref[r][j], within(1e-5));
            }
        }
    }

    /** q | k | v of one head, q and k L2-normalised as the layer feeds them. */
    private static float[] qkv(SplittableRandom random, int d) {
        float[] x = gaussian(random, 3 * d, 1f);
        GatedDeltaNet.l2Normalize(x, 0, d, 1e-6f);
        GatedDeltaNet.l2Normalize(x, d, d, 1e-6f);
        return x;
    }

    private static float[] gaussian(SplittableRandom random, int n, float sigma) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (sigma * random.nextGaussian());
        }
        return x;
    }
}
