package org.bitclass.model;

import org.bitclass.gguf.GgufMetadata;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelLoadingTest {

    @Test
    void minimaHyperparameters() throws IOException {
        try (LanguageModel m = Models.open(SharedData.path("models/minima-qwen3-f32.gguf"), 1)) {
            ModelConfig c = ((DenseTransformer) m).config();
            assertThat(c.architecture()).isEqualTo(Architecture.QWEN3);
            assertThat(new int[] {c.nEmbd(), c.nLayer(), c.nFf(), c.nHead(), c.nHeadKv(), c.headDim(), c.nVocab()})
                    .containsExactly(256, 8, 768, 4, 2, 64, 4101);
            assertThat(c.ropeFreqBase()).isEqualTo(1e6f);
            RopeScaling r = c.ropeScaling();
            assertThat(new float[] {r.freqScale(), r.extFactor(), r.attnFactor()}).containsExactly(1, 0, 1);
            assertThat(r.originalContext()).isEqualTo(512);
        }
    }

    @Test
    void unsupportedArchitectureNamesTheSupportedOnes() {
        GgufMetadata md = new GgufMetadata().putString("general.architecture", "mamba");
        assertThatThrownBy(() -> ModelConfig.read(md, 10))
                .hasMessage("architecture 'mamba' is not supported (supported: llama, qwen2, qwen3, qwen35)");
    }

    @Test
    void observerSeesEveryMatrixInputOncePerPass() throws IOException {
        try (LanguageModel m = Models.open(SharedData.path("models/minima-qwen3-f32.gguf"), 2)) {
            Map<String, Integer> dims = new LinkedHashMap<>();
            Map<String, Integer> tokens = new LinkedHashMap<>();
            m.setObserver((name, x, nTokens, dim) -> {
                assertThat(dims.put(name, dim)).isNull();
                tokens.put(name, nTokens);
                assertThat(x.length).isGreaterThanOrEqualTo(nTokens * dim);
            });
            m.newSession(16).forward(new int[] {1, 2, 3}, 0, Session.Outputs.LAST);
            assertThat(dims).hasSize(8 * 7 + 1);
            assertThat(dims).containsEntry("blk.0.attn_q.weight", 256).containsEntry("blk.7.ffn_down.weight", 768)
                    .containsEntry("token_embd.weight", 256);
            assertThat(tokens).containsEntry("blk.3.attn_output.weight", 3).containsEntry("token_embd.weight", 1);
        }
    }
}
