package org.bitclass.model;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The random-weight qwen35-mini model's logits against llama.cpp's (F32 KV cache, no flash attention). */
class Qwen35LogitsTest {

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
}
