package org.bitclass.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.testutil.SharedData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The golden tokenizations of shared/golden/tokenizer and the vocabularies they were made with, loaded once. */
final class GoldenVocabularies {

    /** Golden file name (without .jsonl) → the GGUF whose vocabulary produced it. */
    static final Map<String, String> VOCAB_FILES = Map.of(
            "qwen3", "golden/tokenizer/qwen3-vocab.gguf",
            "minima", "models/minima-qwen3-f32.gguf",
            "minima-qwen35pre", "models/qwen35-mini.gguf",
            "gpt2", "golden/tokenizer/gpt2-vocab.gguf",
            "llama-spm", "golden/tokenizer/llama-spm-vocab.gguf");

    record Case(String vocab, int line, String text, int[] ids, int[] idsSpecial) {
        @Override
        public String toString() {
            return vocab + " #" + line;
        }
    }

    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private GoldenVocabularies() {
    }

    static Tokenizer tokenizer(String vocab) {
        return TOKENIZERS.computeIfAbsent(vocab, v -> {
            try {
                return Tokenizer.open(SharedData.path(VOCAB_FILES.get(v)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static List<Case> cases(String vocab) {
        Path file = SharedData.path("golden/tokenizer/" + vocab + ".jsonl");
        ObjectMapper json = new ObjectMapper();
        List<Case> cases = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                JsonNode n = json.readTree(lines.get(i));
                cases.add(new Case(vocab, i + 1, n.get("text").asText(), ints(n.get("ids")), ints(n.get("ids_special"))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
