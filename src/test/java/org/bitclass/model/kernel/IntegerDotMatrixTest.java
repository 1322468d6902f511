package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class IntegerDotMatrixTest {

    private static final int ROWS = 9;
    private static final int TOKENS = 5;

    private record Case(WeightMatrix w, float[] x, MemorySegment data) {
    }

    private static Case randomCase(GgmlType type, String name, int cols, long seed, Arena arena) {
        return randomCase(type, name, ROWS, cols, TOKENS, seed, arena);
    }

    private static Case randomCase(GgmlType type, String name, int rows, int cols, int tokens, long seed, Arena arena) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment data = RandomWeights.quantized(type, rows, cols, r, arena);
        float[] x = RandomWeights.activations(tokens * cols, r);
        return new Case(WeightMatrix.of(new TensorInfo(name, new long[] {cols, rows}, type, 0), data), x, data);
    }

    /** Dequantized weights times the activations' Q8 values, in double: the exact value of the integer products. */
    @ParameterizedTest
    @CsvSource({"Q8_0, 512", "Q4_0, 96", "IQ4_NL, 512", "Q4_K, 768", "Q5_K, 512", "Q6_K, 768", "IQ4_XS, 512"})
    void matchesDoublePrecisionProductsOfTheQuantizedValues(GgmlType type, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            for (String name : new String[] {"blk.0.ffn_up.weight", "token_embd.weight"}) {
                Case c = randomCase(type, name, cols, cols + type.ordinal(), arena);
                float[] batch = TileByTile.multiply(c.w(), c.x(), TOKENS);
                float[] w = new float[ROWS * cols];
                c.w().decodeRows(0, ROWS, w, 0);
                float[] xq = ActivationQuantizer.forWeights(type).round(c.x(), c.x().length, new float[c.x().length]);
                for (int t = 0; t < TOKENS; t++) {
                    // a single token takes the type's one-token kernel
                    float[] alone = TileByTile.multiply(c.w(), java.util.Arrays.copyOfRange(c.x(), t * cols,
                            (t + 1) * cols), 1);
                    for (int r = 0; r < ROWS; r++) {
                        double exact = 0;
                        double scale = 0;
                        for (int i = 0; i < cols; i++) {
                            exact += (double) w[r * cols + i] * xq[t * cols + i];
                            scale += Math.abs((double) w[r * cols + i] * xq[t * cols + i]);
                        }
                        assertThat((double) batch[t * ROWS + r]).as("%s row %d token %d", name, r, t)
                                .isCloseTo(exact, org.assertj.core.data.Offset.offset(2e-6 * scale));
                        assertThat((double) alone[r]).as("%s row %d token %d alone", name, r, t)
                                .isCloseTo(exact, org.assertj.core.data.Offset.offset(2e-6 * scale));
                    }
                }
            }
        }
    }

    /**
     * A batch gives every token the bits it gets alone, whatever the kernel: 5 tokens take the 4 × 2 dot products,
     * 21 the row panels (padded to 24). 16 rows make llama.cpp repack Q4_0, Q4_K and IQ4_NL (row-sequential
     * order), 9 rows keep the lane order.
     */
    @ParameterizedTest
    @CsvSource({"Q8_0, 9, 5", "Q4_0, 9, 5", "IQ4_NL, 9, 5", "Q4_K, 9, 5", "Q5_K, 9, 5", "Q6_K, 9, 5", "IQ4_XS, 9, 5",
            "Q4_0, 16, 5", "IQ4_NL, 16, 5", "Q4_K, 16, 5",
            "Q8_0, 9, 21", "Q4_0, 9, 21", "IQ4_NL, 9, 21", "Q4_K, 9, 21", "Q5_K, 9, 21", "Q6_K, 9, 21", "IQ4_XS, 9, 21",
            "Q4_0, 16, 21", "IQ4_NL, 16, 21", "Q4_K, 16, 21", "Q6_K, 16, 21"})
    void batchEqualsTokenByToken(GgmlType type, int rows, int tokens) {
        int cols = 512;
        try (Arena arena = Arena.ofConfined()) {
            Case c = randomCase(type, "blk.0.attn_q.weight", rows, cols, tokens, 7, arena);
            float[] batch = TileByTile.multiply(c.w(), c.x(), tokens);
            for (int t = 0; t < tokens; t++) {
                float[] one = TileByTile.multiply(c.w(),
                        java.util.Arrays.copyOfRange(c.x(), t * cols, (t + 1) * cols), 1);
                assertThat(java.util.Arrays.copyOfRange(batch, t * rows, (t + 1) * rows)).as("token %d", t)
                        .isEqualTo(one);
            }
        }
    }

    /**
     * Q6_K against a scalar transcription of ggml_vec_dot_q6_K_q8_K's AVX2 arithmetic: 8 integer lanes per
     * super-block (lane g: elements 32c+4g..32c+4g+3 of each chunk c, scaled; minus 32·(s[2g]·bsum[2g] +
     * s[2g+1]·bsum[2g+1])), lane-wise fused multiply-add with d, then ggml's horizontal sum.
     */
    @ParameterizedTest
    @CsvSource({"1", "2", "3"})
    void q6kFollowsTheAvx2LaneOrder(long seed) {
        int cols = 1024;
        try (Arena arena = Arena.ofConfined()) {
            Case c = randomCase(GgmlType.Q6_K, "blk.0.ffn_down.weight", cols, seed, arena);
            float[] out = TileByTile.multiply(c.w(), c.x(), 1);
            byte[] q8 = new byte[256];
            for (int r = 0; r < ROWS; r++) {
                float[] acc = new float[8];
                for (int b = 0; b < cols / 256; b++) {
                    long at = r * GgmlType.Q6_K.bytesFor(cols) + b * 210L;
                    float yd = ActivationQuantizer.Q8_K.quantizeBlock(c.x(), b * 256, q8);
                    long[] lanes = new long[8];
                    for (int e = 0; e < 256; e++) {
                        int half = e / 128, l = e % 32, k = (e % 128) / 32;
                        int ql = c.data().get(ValueLayout.JAVA_BYTE, at + 64 * half + 32 * (k & 1) + l) & 0xFF;
                        int qh = c.data().get(ValueLayout.JAVA_BYTE, at + 128 + 32 * half + l) & 0xFF;
                        int q = ((ql >> (4 * (k >> 1))) & 0xF) | ((qh >> (2 * k)) & 3) << 4;
                        int sc = c.data().get(ValueLayout.JAVA_BYTE, at + 192 + e / 16);
                        lanes[(e % 32) / 4] += (long) sc * q * q8[e];
                    }
                    for (int g = 0; g < 8; g++) {
                        for (int j = 2 * g; j <= 2 * g + 1; j++) {
                            int bsum = 0;
                            for (int i = 0; i < 16; i++) {
                                bsum += q8[16 * j + i];
                            }
                            lanes[g] -= 32L * c.data().get(ValueLayout.JAVA_BYTE, at + 192 + j) * bsum;
                        }
                    }
                    float d = yd * Float.float16ToFloat(c.data().get(Half.SHORT_LE, at + 208));
                    for (int g = 0; g < 8; g++) {
                        acc[g] = Math.fma(d, (float) lanes[g], acc[g]);
                    }
                }
                float expected = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
                assertThat(out[r]).as("row %d", r).isEqualTo(expected);
            }
        }
    }
}
