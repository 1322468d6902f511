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

/** The Minima qwen3 model's logits against llama.cpp's (F32 KV cache, no flash attention). */
class MinimaLogitsTest {

    private static LanguageModel f32;
    private static int[] tokens;
    private static float[] golden;

    @BeforeAll
    static void load() throws IOException {
        f32 = Models.open(SharedData.path("models/minima-qwen3-f32.gguf"), 2);
        tokens = GoldenLogits.tokens();
        golden = GoldenLogits.logits("minima-qwen3-F32.logits.f32");
    }

    @AfterAll
    static void close() {
        f32.close();
    }

    @Test
    void oneBatchMatchesLlamaCpp() {
        float[] logits = f32.newSession(256).forward(tokens, 0, Session.Outputs.ALL);
        double rel = GoldenLogits.relativeL2(logits, golden);
        System.out.printf("minima F32 one batch: relative L2 %.3g%n", rel);
        assertThat(rel).isLessThan(1e-5);
    }

    /** Batches of {@code split} tokens (1 = token by token) give the same bits as one batch. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64})
    void splitBatchesMatchOneBatch(int split) {
        Session session = f32.newSession(256);
        float[] logits = new float[golden.length];
        for (int from = 0; from < tokens.length; from += split) {
            int[] part = Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + split));
            float[] out = session.append(part, Session.Outputs.ALL);
            System.arraycopy(out, 0, logits, from * GoldenLogits.N_VOCAB, out.length);
        }
        double rel = GoldenLogits.relativeL2(logits, golden);
        System.out.printf("minima F32 batches of %d: relative L2 %.3g%n", split, rel);
        assertThat(rel).isLessThan(1e-5);
        assertThat(logits).isEqualTo(f32.newSession(256).forward(tokens, 0, Session.Outputs.ALL));
    }

    @Test
    void lastOutputIsTheLastRowOfAll() {
        float[] all = f32.newSession(256).forward(tokens, 0, Session.Outputs.ALL);
        float[] last = f32.newSession(256).forward(tokens, 0, Session.Outputs.LAST);
        assertThat(last).isEqualTo(Arrays.copyOfRange(all, all.length - GoldenLogits.N_VOCAB, all.length));
    }

    @Test
    void rewindingRecomputesTheSameLogits() {
        Session session = f32.newSession(256);
        float[] first = session.forward(tokens, 0, Session.Outputs.LAST);
        session.forward(new int[] {1, 2, 3}, 50, Session.Outputs.LAST);
        assertThat(session.position()).isEqualTo(53);
        float[] again = session.forward(Arrays.copyOfRange(tokens, 50, tokens.length), 50, Session.Outputs.LAST);
        assertThat(again).isEqualTo(first);
        session.reset();
        assertThat(session.forward(tokens, 0, Session.Outputs.LAST)).isEqualTo(first);
    }

    @Test
    void bf16MatchesLlamaCppClosely() throws IOException {
        float[] expected = GoldenLogits.logits("minima-qwen3-BF16.logits.f32");
        try (LanguageModel bf16 = Models.open(SharedData.path("models/minima-qwen3-bf16.gguf"), 2)) {
            float[] logits = bf16.newSession(256).forward(tokens, 0, Session.Outputs.ALL);
            double rel = GoldenLogits.relativeL2(logits, expected);
            double kl = GoldenLogits.meanKl(logits, expected, GoldenLogits.N_VOCAB);
            System.out.printf("minima BF16 one batch: relative L2 %.3g, mean KL %.3g%n", rel, kl);
            assertThat(rel).isLessThan(4e-3);
            assertThat(kl).isLessThan(2e-5);
        }
    }
}
