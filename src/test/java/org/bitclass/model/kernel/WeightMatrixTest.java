package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WeightMatrixTest {

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A matrix of 256 rows × 256 columns holding each of the 65,536 16-bit patterns once. */
    private static WeightMatrix everyPattern(GgmlType type, Arena arena) {
        MemorySegment seg = arena.allocate(2 * 65536);
        for (int i = 0; i < 65536; i++) {
            seg.setAtIndex(SHORT_LE, i, (short) i);
        }
        return WeightMatrix.of(new TensorInfo("w", new long[] {256, 256}, type, 0), seg);
    }

    private static float reference(GgmlType type, int bits) {
        return type == GgmlType.F16 ? Float.float16ToFloat((short) bits) : Float.intBitsToFloat(bits << 16);
    }

    @ParameterizedTest
    @CsvSource({"F16", "BF16"})
    void vectorDecodingIsExactForEveryPattern(GgmlType type) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = everyPattern(type, arena);
            float[] all = new float[65536];
            w.decodeRows(0, 256, all, 0);
            for (int i = 0; i < 65536; i++) {
                float expected = reference(type, i);
                if (Float.isNaN(expected)) {
                    assertThat(all[i]).as("pattern %04x", i).isNaN();
                } else {
                    assertThat(Float.floatToRawIntBits(all[i])).as("pattern %04x", i).isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    /** Reading rows straight from memory and decoding them first must give the same bits. */
    @ParameterizedTest
    @CsvSource({"F32, 40", "F32, 37", "F16, 40", "F16, 37", "BF16, 64", "BF16, 13"})
    void directAndDecodedProductsAgree(GgmlType type, int cols) {
        SplittableRandom r = new SplittableRandom(cols);
        int rows = 7;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = randomElements(type, rows * cols, r, arena);
            FloatDotMatrix w = (FloatDotMatrix) WeightMatrix.of(new TensorInfo("w", new long[] {cols, rows}, type, 0), seg);
            float[] x = new float[3 * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] direct = new float[3 * rows];
            for (int t = 0; t < 3; t++) {
                w.dotRows(0, 4, x, t * cols, direct, t * rows);
                w.dotRows(4, 3, x, t * cols, direct, t * rows + 4);
            }
            float[] tile = new float[rows * cols];
            w.decodeRows(0, rows, tile, 0);
            float[] batched = new float[3 * rows];
            FloatKernels.rowsTimesTokens(tile, 4, cols, x, 3, batched, rows, 0);
            FloatKernels.rowsTimesTokens(java.util.Arrays.copyOfRange(tile, 4 * cols, rows * cols), 3, cols, x, 3, batched, rows, 4);
            assertThat(batched).isEqualTo(direct);
            for (int t = 0; t < 3; t++) {
                for (int row = 0; row < rows; row++) {
                    double exact = 0;
                    for (int i = 0; i < cols; i++) {
                        exact += (double) tile[row * cols + i] * x[t * cols + i];
                    }
                    assertThat((double) direct[t * rows + row]).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    /** A batch gives every token the bits it gets alone, through whatever tiles the matrix multiplies in. */
    @ParameterizedTest
    @CsvSource({"F32, 64, 21", "F16, 40, 16", "BF16, 64, 21", "BF16, 37, 21"})
    void batchEqualsTokenByToken(GgmlType type, int cols, int rows) {
        SplittableRandom r = new SplittableRandom(cols + rows);
        int tokens = 19;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = randomElements(type, rows * cols, r, arena);
            WeightMatrix w = WeightMatrix.of(new TensorInfo("w", new long[] {cols, rows}, type, 0), seg);
            float[] x = new float[tokens * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] batch = TileByTile.multiply(w, x, tokens);
            for (int t = 0; t < tokens; t++) {
                float[] one = TileByTile.multiply(w, java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1);
                assertThat(java.util.Arrays.copyOfRange(batch, t * rows, (t + 1) * rows)).as("token %d", t)
                        .isEqualTo(one);
            }
        }
    }

    /** {@code n} Gaussian values stored as {@code type} (F32, F16 or BF16). */
    private static MemorySegment randomElements(GgmlType type, int n, SplittableRandom r, Arena arena) {
        MemorySegment seg = arena.allocate(type.bytesFor(n));
        for (int i = 0; i < n; i++) {
            float v = (float) r.nextGaussian();
            switch (type) {
                case F32 -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, v);
                case F16 -> seg.setAtIndex(SHORT_LE, i, Float.floatToFloat16(v));
                default -> seg.setAtIndex(SHORT_LE, i, Half.floatToBf16(v));
            }
        }
        return seg;
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(Half.floatToBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80);  // tie, even stays
        assertThat(Half.floatToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82);  // tie, odd rounds up
        assertThat(Half.floatToBf16(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
        assertThat(Half.floatToBf16(Float.NaN) & 0x7fc0).isEqualTo(0x7fc0);
    }
}
