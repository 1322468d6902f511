package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The float-product types' one-token kernels, which read the stored blocks rather than decoded rows. */
class QuantizedMatrixTest {

    private static final int ROWS = 9;
    private static final int COLS = 768;

    private static WeightMatrix randomMatrix(GgmlType type, int rows, long seed, Arena arena) {
        SplittableRandom r = new SplittableRandom(seed);
        QuantCodec codec = QuantRegistry.codec(type);
        MemorySegment data = arena.allocate(type.bytesFor((long) rows * COLS));
        float[] row = new float[COLS];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < COLS; j++) {
                row[j] = (float) (r.nextGaussian() * (j % 37 == 0 ? 6 : 1)) + (i % 2 == 0 ? 0.5f : 0);
            }
            codec.quantizeRow(row, 0, COLS, null, data, i * type.bytesFor(COLS));
        }
        return WeightMatrix.of(new TensorInfo("blk.0.ffn_up.weight", new long[] {COLS, rows}, type, 0), data);
    }

    private static float[] randomActivations(int tokens, long seed) {
        return RandomWeights.activations(tokens * COLS, new SplittableRandom(seed));
    }

    /**
     * One token gets the bits of the decoded row's float dot product (the path it replaced, and the batch path),
     * and that product is the double-precision one of the quantized values up to float rounding.
     */
    @ParameterizedTest
    @CsvSource({"Q2_K", "Q3_K", "Q4_1", "Q5_0", "Q5_1"})
    void oneTokenIsTheDecodedRowsDotProduct(GgmlType type) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = randomMatrix(type, ROWS, type.ordinal(), arena);
            assertThat(w).isInstanceOf(QuantizedMatrix.class).isNotExactlyInstanceOf(QuantizedMatrix.class);
            float[] decoded = new float[ROWS * COLS];
            w.decodeRows(0, ROWS, decoded, 0);
            for (int t = 0; t < 3; t++) {
                float[] x = randomActivations(1, 31L * t + type.ordinal());
                float[] xq = ActivationQuantizer.forWeights(type).round(x, COLS, new float[COLS]);
                float[] out = TileByTile.multiply(w, x, 1);
                for (int r = 0; r < ROWS; r++) {
                    assertThat(out[r]).as("row %d token %d", r, t)
                            .isEqualTo(FloatKernels.dot(decoded, r * COLS, xq, 0, COLS));
                    double exact = 0;
                    double scale = 0;
                    for (int i = 0; i < COLS; i++) {
                        exact += (double) decoded[r * COLS + i] * xq[i];
                        scale += Math.abs((double) decoded[r * COLS + i] * xq[i]);
                    }
                    assertThat((double) out[r]).as("row %d token %d", r, t).isCloseTo(exact, offset(1e-5 * scale));
                }
            }
        }
    }

    /** A batch (decoded tiles) gives every token the bits it gets alone (stored blocks), two tokens included. */
    @ParameterizedTest
    @CsvSource({"Q2_K, 2", "Q3_K, 2", "Q4_1, 2", "Q5_0, 2", "Q5_1, 2",
            "Q2_K, 19", "Q3_K, 19", "Q4_1, 19", "Q5_0, 19", "Q5_1, 19"})
    void batchEqualsTokenByToken(GgmlType type, int tokens) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = randomMatrix(type, 21, 7, arena);
            float[] x = randomActivations(tokens, 11);
            float[] batch = TileByTile.multiply(w, x, tokens);
            for (int t = 0; t < tokens; t++) {
                float[] one = TileByTile.multiply(w, Arrays.copyOfRange(x, t * COLS, (t + 1) * COLS), 1);
                assertThat(Arrays.copyOfRange(batch, t * 21, (t + 1) * 21)).as("token %d", t).isEqualTo(one);
            }
        }
    }
}
