package org.bitclass.eval.health;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Streaming moments, merged block by block, against a direct two-pass computation in double. */
class MomentsTest {

    /** Values of a few shapes: normal, offset far from zero, skewed (gamma-like), heavy-tailed with spikes. */
    static float[] values(String kind, long seed, int n) {
        Random rnd = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = rnd.nextGaussian();
            v[i] = (float) switch (kind) {
                case "normal" -> 0.02 * g;
                case "offset" -> 1000 + 0.001 * g;
                case "skewed" -> -Math.log(rnd.nextDouble()) * Math.abs(g);
                case "spiky" -> rnd.nextInt(500) == 0 ? 40 * g : g;
                default -> throw new IllegalArgumentException(kind);
            };
        }
        return v;
    }

    @ParameterizedTest(name = "{0}, seed {1}, {2} values in blocks of up to {3}")
    @CsvSource({"normal, 1, 10000, 1", "normal, 2, 10000, 777", "offset, 3, 50000, 4096", "skewed, 4, 20000, 333",
            "spiky, 5, 100000, 10000", "spiky, 6, 3, 2"})
    void matchTheDirectComputation(String kind, long seed, int n, int maxBlock) {
        float[] v = values(kind, seed, n);
        Moments m = new Moments();
        Random split = new Random(seed);
        for (int i = 0; i < n; ) {
            int len = Math.min(n - i, 1 + split.nextInt(maxBlock));
            m.add(v, i, len);
            i += len;
        }

        DirectStatistics d = DirectStatistics.of(v);
        assertThat(m.count()).isEqualTo(n);
        assertThat(m.mean()).isCloseTo(d.mean(), within(1e-12 * Math.max(1, Math.abs(d.mean()))));
        assertThat(m.std()).isCloseTo(d.std(), within(1e-9 * d.std()));
        assertThat(m.skewness()).isCloseTo(d.skewness(), within(1e-8));
        assertThat(m.excessKurtosis()).isCloseTo(d.excessKurtosis(), within(1e-8));
        assertThat(m.maxAbs()).isEqualTo(d.maxAbs());
    }

    @ParameterizedTest
    @CsvSource({"0.5, 100", "-3, 1"})
    void constantValuesHaveNoSpreadAndZeroShape(float c, int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, c);
        Moments m = new Moments();
        m.add(v, 0, n);
        assertThat(m.mean()).isEqualTo(c);
        assertThat(m.std()).isZero();
        assertThat(m.skewness()).isZero();
        assertThat(m.excessKurtosis()).isZero();
    }
}
