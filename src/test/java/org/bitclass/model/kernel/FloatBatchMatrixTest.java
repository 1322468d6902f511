package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The opt-in float path for batches of quantized weights ({@link QuantizedBatches#FLOAT}). */
class FloatBatchMatrixTest {

    /** Not a multiple of the row tiles, so the last tile is partial. */
    private static final int ROWS = 37;
    private static final int TOKENS = 2 * FloatBatchMatrix.MIN_BATCH + 1;

    private static WeightMatrix randomMatrix(GgmlType type, int cols, QuantizedBatches batches, Arena arena) {
        SplittableRandom r = new SplittableRandom(cols + type.ordinal());
        return WeightMatrix.of(new TensorInfo("blk.0.ffn_up.weight", new long[] {cols, ROWS}, type, 0),
                RandomWeights.quantized(type, ROWS, cols, r, arena), batches);
    }

    /** A float-path matrix, a batch of {@link #TOKENS} and their product. */
    private record Batch(WeightMatrix w, int cols, float[] x, float[] out) {

        static Batch of(GgmlType type, int cols, Arena arena) {
            WeightMatrix w = randomMatrix(type, cols, QuantizedBatches.FLOAT, arena);
            float[] x = RandomWeights.activations(TOKENS * cols, new SplittableRandom(cols));
            return new Batch(w, cols, x, TileByTile.multiply(w, x, TOKENS));
        }

        /** Tokens {@code [from, from+n)} multiplied as a batch of their own. */
        float[] part(int from, int n) {
            return TileByTile.multiply(w, Arrays.copyOfRange(x, from * cols, (from + n) * cols), n);
        }
    }

    /** Every token of a float batch gets the bits it gets in any other batch of at least MIN_BATCH tokens. */
    @ParameterizedTest
    @CsvSource({"Q8_0, 512", "Q8_0, 96", "Q4_0, 512", "IQ4_NL, 128", "IQ4_XS, 512"})
    void aTokenGetsTheSameBitsInEveryFloatBatch(GgmlType type, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            Batch b = Batch.of(type, cols, arena);
            int min = FloatBatchMatrix.MIN_BATCH;
            for (int from : new int[] {0, 3, TOKENS - min - 1, TOKENS - min}) {
                int n = from < 3 ? min : TOKENS - from;
                assertThat(b.part(from, n)).as("tokens %d..%d", from, from + n)
                        .isEqualTo(Arrays.copyOfRange(b.out(), from * ROWS, (from + n) * ROWS));
            }
        }
    }

    /**
     * The float path matches Σ decoded weight · activation in double within float rounding: each lane sums
     * {@code cols / LANES} products, then the lanes are added, so the error stays within that many roundings of
     * Σ|w·x|.
     */
    @ParameterizedTest
    @CsvSource({"Q8_0, 512", "Q8_0, 96", "Q4_0, 512", "IQ4_NL, 128", "IQ4_XS, 512"})
    void matchesDoublePrecisionProductsOfTheDecodedWeights(GgmlType type, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            Batch b = Batch.of(type, cols, arena);
            float[] decoded = new float[ROWS * cols];
            b.w().decodeRows(0, ROWS, decoded, 0);
            double roundings = (cols / FloatKernels.LANES + FloatKernels.LANES + 1) * Math.ulp(1f) / 2;
            for (int t = 0; t < TOKENS; t++) {
                for (int r = 0; r < ROWS; r++) {
                    double exact = 0;
                    double scale = 0;
                    for (int i = 0; i < cols; i++) {
                        double p = (double) decoded[r * cols + i] * b.x()[t * cols + i];
                        exact += p;
                        scale += Math.abs(p);
                    }
                    assertThat((double) b.out()[t * ROWS + r]).as("row %d token %d", r, t)
                            .isCloseTo(exact, offset(roundings * scale));
                }
            }
        }
    }

    /** Below MIN_BATCH tokens the float option changes nothing: the exact kernels' bits. */
    @ParameterizedTest
    @CsvSource({"Q8_0, 512, 1", "Q8_0, 512, 2", "Q8_0, 96, 15", "Q4_0, 512, 15", "IQ4_XS, 256, 1", "IQ4_XS, 256, 7"})
    void smallBatchesKeepTheExactBits(GgmlType type, int cols, int n) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix exact = randomMatrix(type, cols, QuantizedBatches.EXACT, arena);
            WeightMatrix floats = randomMatrix(type, cols, QuantizedBatches.FLOAT, arena);
            float[] x = RandomWeights.activations(n * cols, new SplittableRandom(n));
            assertThat(TileByTile.multiply(floats, x, n)).isEqualTo(TileByTile.multiply(exact, x, n));
        }
    }

    /** Types without a measured gain keep their exact matrix whatever the option says. */
    @ParameterizedTest
    @CsvSource({"Q4_K", "Q5_K", "Q6_K", "Q3_K", "BF16", "F32"})
    void otherTypesIgnoreTheOption(GgmlType type) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = WeightMatrix.of(new TensorInfo("w", new long[] {256, 4}, type, 0),
                    arena.allocate(type.bytesFor(256L * 4)), QuantizedBatches.FLOAT);
            assertThat(w).isNotInstanceOf(FloatBatchMatrix.class);
        }
    }
}
