package org.bitclass.model;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sequences evaluated together in one batch get the logits each gets alone, bit for bit. */
class BatchedDecodeTest {

    private static final int[][] PROMPTS = {
            {284, 479, 68, 220, 16, 284, 220, 271, 641, 279, 3161, 1229},
            {641, 279},
            {284, 479, 68, 220, 16, 284, 220, 271},
    };

    @ParameterizedTest
    @ValueSource(strings = {"models/minima-qwen3-bf16.gguf", "models/minima-qwen35-bf16.gguf"})
    void batchedSequencesMatchSequencesAlone(String file) throws Exception {
        try (LanguageModel m = Models.open(SharedData.path(file), 2)) {
            List<List<float[]>> alone = new ArrayList<>();
            for (int[] prompt : PROMPTS) {
                Session s = m.newSession(64);
                List<float[]> steps = new ArrayList<>();
                float[] logits = s.append(prompt, Session.Outputs.LAST);
                steps.add(logits);
                for (int i = 0; i < 4; i++) {
                    logits = s.append(new int[]{Sampler.argmax(logits)}, Session.Outputs.LAST);
                    steps.add(logits);
                }
                alone.add(steps);
            }

            Session[] sessions = new Session[PROMPTS.length];
            List<BatchPart> prefill = new ArrayList<>();
            for (int i = 0; i < sessions.length; i++) {
                sessions[i] = m.newSession(64);
                prefill.add(new BatchPart(sessions[i], PROMPTS[i], 0));
            }
            float[][] logits = m.forwardBatch(prefill);
            for (int step = 0; step < 5; step++) {
                List<BatchPart> next = new ArrayList<>();
                for (int i = 0; i < sessions.length; i++) {
                    assertThat(logits[i]).as("sequence %d step %d", i, step).isEqualTo(alone.get(i).get(step));
                    next.add(new BatchPart(sessions[i], new int[]{Sampler.argmax(logits[i])}, sessions[i].position()));
                }
                logits = m.forwardBatch(next);
            }
        }
    }

    @Test
    void refusesTheSameSessionTwice() throws Exception {
        try (LanguageModel m = Models.open(SharedData.path("models/minima-qwen3-bf16.gguf"), 1)) {
            Session s = m.newSession(16);
            assertThatThrownBy(() -> m.forwardBatch(List.of(new BatchPart(s, new int[]{1}, 0),
                    new BatchPart(s, new int[]{2}, 0)))).hasMessageContaining("distinct sessions");
        }
    }
}
