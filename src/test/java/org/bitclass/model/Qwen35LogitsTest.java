package org.bitclass.model;

import org.bitclass.gguf.GgmlType;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The random-weight qwen35-mini model's logits against llama.cpp's (F32 KV cache, no flash attention). */
class Qwen35LogitsTest {

    @TempDir
    static Path dir;

    private static LanguageModel f32;
    private static int[] tokens;
    private static float[] golden;

    @BeforeAll
    static void load() throws IOException {
        f32 = Models.open(SharedData.path("models/qwen35-mini.gguf"), 2);
        tokens = GoldenLogits.tokens();
        golden = GoldenLogits.logits("qwen35-mini-F32.logits.f32");
    }

    @AfterAll
    static void close() {
        f32.close();
    }

    @Test
    void oneBatchMatchesLlamaCpp() {
        float[] logits = f32.newSession(256).forward(tokens, 0, Session.Outputs.ALL);
        double rel = GoldenLogits.relativeL2(logits, golden);
        System.out.printf("qwen35-mini F32 one batch: relative L2 %.3g%n", rel);
        assertThat(rel).isLessThan(1e-5);
    }

    /** Batches of {@code split} tokens (1 = token by token) carry the state across calls: same bits as one batch. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 13, 64})
    void splitBatchesMatchOneBatch(int split) {
        Session session = f32.newSession(256);
        float[] logits = new float[golden.length];
        for (int from = 0; from < tokens.length; from += split) {
            int[] part = Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + split));
            float[] out = session.append(part, Session.Outputs.ALL);
            System.arraycopy(out, 0, logits, from * GoldenLogits.N_VOCAB, out.length);
        }
        double rel = GoldenLogits.relativeL2(logits, golden);
        System.out.printf("qwen35-mini F32 batches of %d: relative L2 %.3g%n", split, rel);
        assertThat(rel).isLessThan(1e-5);
        assertThat(logits).isEqualTo(f32.newSession(256).forward(tokens, 0, Session.Outputs.ALL));
    }

    /**
     * The model quantized as llama-quantize --pure does, against llama.cpp's logits for its own such files, with the
     * activations rounded to BF16 / Q8_0 / Q8_K before each product as llama.cpp does. Layer by layer the values
     * agree to float rounding (1e-7), but now and then such a difference moves an activation block's F16 scale or a
     * value across a rounding boundary, and this random 8-layer model amplifies every step a lot (llama.cpp's own
     * Q8_0 logits differ from its F32 ones by 0.12). So the bounds are loose, and the test checks that the
     * emulated rounding brings us far closer to llama.cpp's quantized logits than its F32 logits are.
     */
    @ParameterizedTest
    @CsvSource({"BF16, 0.015, 2e-4", "Q8_0, 0.06, 3e-3", "Q4_K, 0.07, 4e-3"})
    void quantizedMatchesLlamaCpp(GgmlType type, double maxRelL2, double maxKl) throws IOException {
        Path model = TestModels.pure(SharedData.path("models/qwen35-mini.gguf"), type, dir);
        float[] expected = GoldenLogits.logits("qwen35-mini-" + type + ".logits.f32");
        try (LanguageModel m = Models.open(model, 2)) {
            float[] logits = m.newSession(256).forward(tokens, 0, Session.Outputs.ALL);
            int v = GoldenLogits.N_VOCAB;
            double rel = GoldenLogits.relativeL2(logits, expected);
            double first = GoldenLogits.relativeL2(Arrays.copyOf(logits, v), Arrays.copyOf(expected, v));
            double kl = GoldenLogits.meanKl(logits, expected, v);
            double quantizationEffect = GoldenLogits.relativeL2(golden, expected);
            System.out.printf("qwen35-mini %s: relative L2 %.3g (first token %.3g), mean KL %.3g; llama.cpp's %s vs "
                    + "its F32: %.3g%n", type, rel, first, kl, type, quantizationEffect);
            assertThat(rel).isLessThan(maxRelL2).isLessThan(quantizationEffect / 4);
            assertThat(kl).isLessThan(maxKl);
        }
    }
}
