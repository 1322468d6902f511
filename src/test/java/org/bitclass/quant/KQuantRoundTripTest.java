package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

/** Seeded property tests of the k-quant codecs: accuracy, exact invariants, determinism and offsets. */
class KQuantRoundTripTest {

    private static final List<GgmlType> WEIGHT_TYPES =
            List.of(GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    /**
     * Level step Δ of each type for a unit-variance gaussian sub-block: the expected range of 16 samples (≈ 3.5σ)
     * or 32 samples (≈ 4.1σ) over the number of steps for the asymmetric types, the expected max |x| of 16 samples
     * (≈ 2σ) over half the levels for the symmetric ones.
     */
    private static final Map<GgmlType, Double> GAUSSIAN_STEP = Map.of(
            GgmlType.Q2_K, 3.5 / 3, GgmlType.Q3_K, 2.0 / 4, GgmlType.Q4_K, 4.1 / 15,
            GgmlType.Q5_K, 4.1 / 31, GgmlType.Q6_K, 2.0 / 32);

    /**
     * Bound on the relative RMS error: uniform rounding errs by Δ/√12 on average; the factor 2.5 covers the wider
     * sub-block ranges of the heavy-tailed inputs below (measured worst cases sit at 1.1-2.0 × Δ/√12).
     */
    private static double rmsBound(GgmlType type) {
        return 2.5 * GAUSSIAN_STEP.get(type) / Math.sqrt(12);
    }

    enum Distribution { GAUSSIAN, UNIFORM, STUDENT_T, OUTLIERS, ONE_SIGNED, SPARSE }

    private static float[] sample(Distribution d, int n, SplittableRandom r) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double g = gaussian(r);
            x[i] = (float) switch (d) {
                case GAUSSIAN -> g;
                case UNIFORM -> r.nextDouble(-1, 1);
                case STUDENT_T -> g / Math.sqrt((sq(gaussian(r)) + sq(gaussian(r)) + sq(gaussian(r))) / 3);
                case OUTLIERS -> r.nextInt(64) == 0 ? 20 * g : g;
                case ONE_SIGNED -> -(Math.abs(g) + 0.5);
                case SPARSE -> r.nextInt(8) == 0 ? g : 0;
            };
        }
        return x;
    }

    private static double sq(double v) {
        return v * v;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log1p(-r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static float[] importance(int n, SplittableRandom r) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextDouble(0.01, 2) * (r.nextInt(16) == 0 ? 50 : 1));
        }
        return w;
    }

    private static byte[] quantize(GgmlType type, float[] x, float[] importance) {
        byte[] out = new byte[(int) type.bytesFor(x.length)];
        QuantRegistry.codec(type).quantizeRow(x, 0, x.length, importance, MemorySegment.ofArray(out), 0);
        return out;
    }

    private static float[] dequantize(GgmlType type, byte[] data) {
        float[] out = new float[data.length / type.typeSize * 256];
        QuantRegistry.codec(type).dequantize(MemorySegment.ofArray(data), 0, out, 0, out.length);
        return out;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 1;
        for (GgmlType type : WEIGHT_TYPES) {
            for (Distribution d : Distribution.values()) {
                for (int blocks : new int[] {1, 3, 8}) {
                    cases.add(Arguments.of(type, d, blocks * 256, seed++));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} n={2} seed={3}")
    @MethodSource("cases")
    void roundTripErrorIsWithinTheTypeBound(GgmlType type, Distribution d, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = sample(d, n, r);
        for (float[] imp : new float[][] {null, importance(n, r)}) {
            float[] y = dequantize(type, quantize(type, x, imp));
            double err = 0;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                err += sq(x[i] - y[i]);
                sum += sq(x[i]);
            }
            assertThat(Math.sqrt(err / sum)).as("relative RMS error, importance " + (imp != null))
                    .isLessThan(rmsBound(type));
        }
    }

    @ParameterizedTest(name = "{0} {1} n={2} seed={3}")
    @MethodSource("cases")
    void scalingByFourScalesTheDecodedValuesExactly(GgmlType type, Distribution d, int n, long seed) {
        // every operation of the encoders is exact under a power-of-two scaling (no subnormals or overflow here)
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = sample(d, n, r);
        float[] imp = importance(n, r);
        float[] x4 = new float[n];
        for (int i = 0; i < n; i++) {
            x4[i] = 4 * x[i];
        }
        for (float[] w : new float[][] {null, imp}) {
            float[] y = dequantize(type, quantize(type, x, w));
            float[] y4 = dequantize(type, quantize(type, x4, w));
            for (int i = 0; i < n; i++) {
                y[i] *= 4;
            }
            assertThat(KQuantDecodeTest.firstBitDifference(y4, y)).isEqualTo("none");
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void rowsAreEncodedBlockByBlockAndOffsetsAreHonoured(GgmlType type) {
        SplittableRandom r = new SplittableRandom(99);
        int n = 5 * 256;
        float[] x = sample(Distribution.STUDENT_T, n, r);
        float[] imp = importance(n, r);
        for (float[] w : new float[][] {null, imp}) {
            byte[] row = quantize(type, x, w);
            assertThat(quantize(type, x, w)).as("deterministic").isEqualTo(row);
            // the same row read from inside a larger array and written at an offset into a larger segment
            float[] padded = new float[n + 7];
            System.arraycopy(x, 0, padded, 7, n);
            byte[] shifted = new byte[row.length + 11];
            QuantRegistry.codec(type).quantizeRow(padded, 7, n, w, MemorySegment.ofArray(shifted), 11);
            assertThat(MemorySegment.ofArray(shifted).asSlice(11).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(row);
            // each block alone, with its slice of the importance, gives the same bytes
            for (int b = 0; b < 5; b++) {
                float[] block = Arrays.copyOfRange(x, 256 * b, 256 * (b + 1));
                float[] blockImp = w == null ? null : Arrays.copyOfRange(w, 256 * b, 256 * (b + 1));
                assertThat(quantize(type, block, blockImp)).as("block " + b)
                        .isEqualTo(Arrays.copyOfRange(row, b * type.typeSize, (b + 1) * type.typeSize));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void zeroRowsEncodeToZeroBytes(GgmlType type) {
        float[] zeros = new float[512];
        float[] ones = new float[512];
        Arrays.fill(ones, 1f);
        assertThat(quantize(type, zeros, null)).containsOnly(0);
        assertThat(quantize(type, zeros, ones)).containsOnly(0);
    }

    @Test
    void q8kRoundsEachValueToTheNearestStepAndSumsEverySixteen() {
        SplittableRandom r = new SplittableRandom(5);
        for (Distribution d : Distribution.values()) {
            for (int rep = 0; rep < 20; rep++) {
                float[] x = sample(d, 256, r);
                byte[] qs = new byte[256 + 3];
                short[] bsums = new short[16 + 2];
                float scale = Q8KCodec.quantizeBlock(x, 0, qs, 3, bsums, 2);
                float amax = 0;
                for (float v : x) {
                    amax = Math.max(amax, Math.abs(v));
                }
                assertThat(Math.abs(scale)).isCloseTo(amax / 127, withPercentage(1e-4));
                int maxLevel = 0;
                for (int i = 0; i < 256; i++) {
                    assertThat(Math.abs(x[i] - scale * qs[3 + i])).isLessThanOrEqualTo(Math.abs(scale) * 0.5f * 1.0001f);
                    maxLevel = Math.max(maxLevel, Math.abs(qs[3 + i]));
                }
                assertThat(maxLevel).isEqualTo(127);
                for (int j = 0; j < 16; j++) {
                    int sum = 0;
                    for (int i = 0; i < 16; i++) {
                        sum += qs[3 + 16 * j + i];
                    }
                    assertThat(bsums[2 + j]).isEqualTo((short) sum);
                }
                // the codec writes the same numbers in the block layout, and decodes them
                byte[] block = quantize(GgmlType.Q8_K, x, null);
                MemorySegment seg = MemorySegment.ofArray(block);
                assertThat(seg.get(LittleEndian.FLOAT, Q8KCodec.D_OFFSET)).isEqualTo(scale);
                assertThat(Arrays.copyOfRange(block, Q8KCodec.QS_OFFSET, Q8KCodec.QS_OFFSET + 256))
                        .isEqualTo(Arrays.copyOfRange(qs, 3, 259));
                for (int j = 0; j < 16; j++) {
                    assertThat(seg.get(LittleEndian.SHORT, Q8KCodec.BSUMS_OFFSET + 2L * j)).isEqualTo(bsums[2 + j]);
                }
                assertThat(KQuantDecodeTest.firstBitDifference(dequantize(GgmlType.Q8_K, block),
                        ReferenceKDecoder.decode(GgmlType.Q8_K, block))).isEqualTo("none");
            }
        }
    }

    @Test
    void rejectsRowsThatAreNotWholeBlocksAndShortImportance() {
        QuantCodec codec = QuantRegistry.codec(GgmlType.Q4_K);
        MemorySegment dst = MemorySegment.ofArray(new byte[1024]);
        assertThatThrownBy(() -> codec.quantizeRow(new float[300], 0, 300, null, dst, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a whole number of Q4_K blocks");
        assertThatThrownBy(
                        () -> codec.quantizeRow(new float[512], 0, 512, new float[256], dst, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("importance");
    }
}
