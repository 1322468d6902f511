package org.bitclass.model;

import org.bitclass.gguf.GgufModel;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** llama.cpp's greedy continuation of a Genesis heading with the F32 Minima model. */
class GreedyGenerationTest {

    /** " = Ge 1 = \n\nIn the beginning" in the Minima vocabulary (qwen2 pre-tokenizer splits digits and spaces). */
    private static final int[] PROMPT = {284, 479, 68, 220, 16, 284, 220, 271, 641, 279, 3161, 1229};

    @Test
    void continuationMatchesLlamaCpp() throws IOException {
        Path model = SharedData.path("models/minima-qwen3-f32.gguf");
        String[] vocab;
        try (GgufModel gguf = GgufModel.open(model)) {
            vocab = gguf.metadata().getArray("tokenizer.ggml.tokens").strings();
        }
        String expected = Files.readString(SharedData.path("golden/generate/minima-greedy-genesis.txt"));
        assertThat(decode(vocab, PROMPT)).isEqualTo(" = Ge 1 = \n\nIn the beginning");

        int[] ids = new int[PROMPT.length + 48];
        System.arraycopy(PROMPT, 0, ids, 0, PROMPT.length);
        try (LanguageModel m = Models.open(model, 2)) {
            Session session = m.newSession(128);
            Sampler greedy = new Sampler(Sampler.Settings.greedy());
            float[] logits = session.append(PROMPT, Session.Outputs.LAST);
            for (int i = PROMPT.length; i < ids.length; i++) {
                ids[i] = greedy.sample(logits);
                logits = session.append(new int[] {ids[i]}, Session.Outputs.LAST);
            }
        }
        assertThat(decode(vocab, ids)).isEqualTo(expected.stripTrailing());
    }

    /** Joins byte-level BPE token texts and maps GPT-2's printable code points back to bytes. */
    static String decode(String[] vocab, int[] ids) {
        Map<Integer, Integer> toByte = new HashMap<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            toByte.put(printable ? b : next++, b);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            vocab[id].codePoints().forEach(cp -> out.write(toByte.get(cp)));
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
