package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FloatKernelsTest {

    @Test
    void vectorExpIsWithinThreeUlpsOfTheCorrectlyRoundedValue() {
        float[] x = new float[FloatKernels.LANES];
        float[] y = new float[FloatKernels.LANES];
        for (float v = -87f; v < 88.5f; v += 0.0137f) {
            for (int i = 0; i < x.length; i++) {
                x[i] = v + i * 1e-3f;
            }
            FloatKernels.exp(FloatVector.fromArray(FloatKernels.F, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                float expected = (float) Math.exp(x[i]);
                assertThat(Math.abs(y[i] - expected)).as("exp(%s)", x[i]).isLessThanOrEqualTo(3 * Math.ulp(expected));
            }
        }
    }

    @Test
    void vectorExpLimits() {
        float[] x = new float[FloatKernels.LANES];
        java.util.Arrays.fill(x, -1000f);
        x[1] = 1000f;
        x[2] = 0f;
        float[] y = new float[x.length];
        FloatKernels.exp(FloatVector.fromArray(FloatKernels.F, x, 0)).intoArray(y, 0);
        assertThat(y[0]).isBetween(0f, 1e-38f);    // clamped to e^-87.5
        assertThat(y[1]).isBetween(3e38f, Float.MAX_VALUE);  // clamped to e^88.7, still finite
        assertThat(y[2]).isEqualTo(1f);
    }
}
