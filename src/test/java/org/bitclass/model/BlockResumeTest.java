package org.bitclass.model;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Running a fresh sequence from block {@code l} on the residual stream recorded entering it gives exactly the logits
 * of the whole pass: what the allocator's one-tensor probes rely on to skip the blocks before the perturbed one.
 */
class BlockResumeTest {

    @ParameterizedTest
    @ValueSource(strings = {"models/minima-qwen3-bf16.gguf", "models/minima-qwen35-bf16.gguf"})
    void resumingAtAnyBlockRepeatsTheWholePass(String file) throws Exception {
        int[] tokens = new int[40];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 97 + 13) % 4000;
        }
        try (LanguageModel m = Models.open(SharedData.path(file), 2)) {
            float[] whole = m.newSession(tokens.length).forward(tokens, 0, Session.Outputs.ALL);
            float[][] inputs = m.blockInputs(tokens);
            assertThat(inputs.length).isEqualTo(m.layerCount());
            for (int l = 0; l < m.layerCount(); l++) {
                assertThat(m.logitsFrom(tokens, l, inputs[l])).as("from block %d", l).isEqualTo(whole);
            }
        }
    }
}
