package org.bitclass.eval;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The kld-base record encoding against an exact double-precision log-softmax. */
class QuantizedLogProbsTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of(1L, 4101, 1.0),   // every token within the 16-nat window
                Arguments.of(2L, 4101, 4.0),   // many tokens below the window
                Arguments.of(3L, 7, 20.0),     // tiny vocabulary, huge spread
                Arguments.of(4L, 50000, 2.5),
                Arguments.of(5L, 2, 0.01));
    }

    @ParameterizedTest(name = "seed {0}, vocab {1}, spread {2}")
    @MethodSource("rows")
    void decodesToTheLogProbsWithinHalfAStep(long seed, int n, double spread) {
        Random rnd = new Random(seed);
        float[] logits = RandomLogits.row(rnd, n, spread);
        double[] exact = RandomLogits.logSoftmax(logits);
        int token = rnd.nextInt(n);

        QuantizedLogProbs q = new QuantizedLogProbs(n);
        double nll = q.encode(logits, 0, token);

        double top = Double.NEGATIVE_INFINITY;
        double bottom = Double.POSITIVE_INFINITY;
        for (double e : exact) {
            top = Math.max(top, e);
            bottom = Math.min(bottom, e);
        }
        double floor = Math.max(top - 16, bottom);
        assertThat(nll).isCloseTo(-exact[token], within(1e-5));
        assertThat((double) q.offset()).isCloseTo(floor, within(1e-5));
        assertThat((double) q.step()).isCloseTo((top - floor) / 65535, within(1e-9));
        int atMax = 0;
        for (int i = 0; i < n; i++) {
            if (exact[i] <= floor) {
                assertThat(q.code(i)).as("token %d below the window", i).isZero();
            } else {
                assertThat((double) q.logProb(i)).as("token %d", i).isCloseTo(exact[i], within(q.step() / 2 + 2e-5));
            }
            atMax += q.code(i) == 65535 ? 1 : 0;
        }
        assertThat(atMax).isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("rows")
    void anEncodedRowInABufferAtAnOffsetEqualsTheSameRowAlone(long seed, int n, double spread) {
        Random rnd = new Random(seed);
        float[] logits = RandomLogits.row(rnd, n, spread);
        float[] padded = new float[n + 13];
        System.arraycopy(logits, 0, padded, 13, n);
        QuantizedLogProbs alone = new QuantizedLogProbs(n);
        QuantizedLogProbs shifted = new QuantizedLogProbs(n);
        assertThat(shifted.encode(padded, 13, n - 1)).isEqualTo(alone.encode(logits, 0, n - 1));
        for (int i = 0; i < n; i++) {
            assertThat(shifted.code(i)).isEqualTo(alone.code(i));
        }
    }

    @ParameterizedTest
    @MethodSource("rows")
    void aConstantRowHasStepZeroAndTheUniformProbability(long seed, int n, double spread) {
        float[] logits = new float[n];
        java.util.Arrays.fill(logits, (float) spread);
        QuantizedLogProbs q = new QuantizedLogProbs(n);
        double nll = q.encode(logits, 0, 0);
        assertThat(q.step()).isZero();
        assertThat(nll).isCloseTo(Math.log(n), within(1e-6));
        assertThat((double) q.logProb(n - 1)).isCloseTo(-Math.log(n), within(1e-6));
    }
}
