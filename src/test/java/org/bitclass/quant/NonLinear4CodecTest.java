package org.bitclass.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class NonLinear4CodecTest {

    private static final int[] CODEBOOK = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** ggml's best_index_int8 as specified: clamp at the ends, bisect, then compare the two distances. */
    private static int bisectingReference(float x) {
        if (x <= CODEBOOK[0]) {
            return 0;
        }
        if (x >= CODEBOOK[15]) {
            return 15;
        }
        int lo = 0;
        int hi = 15;
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            if (x < CODEBOOK[mid]) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return x - CODEBOOK[hi - 1] < CODEBOOK[hi] - x ? hi - 1 : hi;
    }

    @Test
    void nearestCodebookIndexAgreesWithTheBisectionEverywhere() {
        Random rnd = new Random(3);
        for (int i = 0; i < 1_000_000; i++) {
            float x = switch (i % 4) {
                case 0 -> (float) (rnd.nextDouble() * 300 - 150);
                case 1 -> (CODEBOOK[rnd.nextInt(15)] + CODEBOOK[rnd.nextInt(15) + 1]) / 2f;
                case 2 -> Float.intBitsToFloat(rnd.nextInt());
                default -> {
                    int k = 1 + rnd.nextInt(15);
                    float mid = (CODEBOOK[k - 1] + CODEBOOK[k]) / 2f;
                    yield rnd.nextBoolean() ? Math.nextUp(mid) : Math.nextDown(mid);
                }
            };
            assertThat(NonLinear4Codec.nearestCodebookIndex(x)).as("%s", x).isEqualTo(bisectingReference(x));
        }
        for (float x : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, -127, 113,
                -115.5f, 101f}) {
            assertThat(NonLinear4Codec.nearestCodebookIndex(x)).as("%s", x).isEqualTo(bisectingReference(x));
        }
    }

    @Test
    void theLaneLookupGivesTheCodebookValueOfTheNearestIndex() {
        Random rnd = new Random(4);
        VectorSpecies<Float> lanes = FloatVector.SPECIES_PREFERRED;
        float[] x = new float[lanes.length()];
        float[] q = new float[lanes.length()];
        for (int i = 0; i < 200_000; i++) {
            for (int k = 0; k < x.length; k++) {
                x[k] = switch ((i + k) % 5) {
                    case 0 -> (float) (rnd.nextDouble() * 300 - 150);
                    case 1 -> (CODEBOOK[rnd.nextInt(15)] + CODEBOOK[rnd.nextInt(15) + 1]) / 2f;
                    case 2 -> Float.intBitsToFloat(rnd.nextInt());
                    case 3 -> rnd.nextInt(50) == 0 ? Float.NaN : (float) rnd.nextGaussian() * 20;
                    default -> Math.nextUp((CODEBOOK[rnd.nextInt(15)] + CODEBOOK[rnd.nextInt(15) + 1]) / 2f);
                };
            }
            NonLinear4Codec.nearestCodebookValue(FloatVector.fromArray(lanes, x, 0)).intoArray(q, 0);
            for (int k = 0; k < x.length; k++) {
                assertThat(q[k]).as("%s", x[k]).isEqualTo((float) CODEBOOK[bisectingReference(x[k])]);
            }
        }
    }
}
