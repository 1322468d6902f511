package org.bitclass.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code inspect} against an independent Python reader of the same files and the llama.cpp recipe lists. */
class InspectCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> sharedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(SharedData.path("."))) {
            return files.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("sharedFiles")
    void agreesWithAnIndependentReader(Path file) throws Exception {
        JsonNode ours = inspectJson(file.toString(), "--all");
        JsonNode oracle = pythonOracle(file);

        assertThat(ours.get("version").asInt()).isEqualTo(oracle.get("version").asInt());
        List<String> keys = new ArrayList<>();
        ours.get("metadata").fieldNames().forEachRemaining(keys::add);
        List<String> oracleKeys = new ArrayList<>();
        oracle.get("metadata").fieldNames().forEachRemaining(oracleKeys::add);
        assertThat(keys).containsExactlyElementsOf(oracleKeys);
        for (String key : keys) {
            JsonNode o = oracle.get("metadata").get(key);
            JsonNode m = ours.get("metadata").get(key);
            assertThat(m.get("type").asText()).as(key).isEqualTo(o.get("type").asText());
            if (!o.get("length").isNull()) {
                assertThat(m.get("length").asLong()).as(key).isEqualTo(o.get("length").asLong());
                assertThat(m.get("value").size()).as(key + " --all shows every element").isEqualTo(o.get("length").asInt());
            }
        }
        JsonNode tensors = ours.get("tensors");
        JsonNode expected = oracle.get("tensors");
        assertThat(tensors.size()).isEqualTo(expected.size());
        for (int i = 0; i < tensors.size(); i++) {
            assertThat(tensors.get(i).get("name")).isEqualTo(expected.get(i).get("name"));
            assertThat(tensors.get(i).get("shape")).isEqualTo(expected.get(i).get("shape"));
            assertThat(tensors.get(i).get("offset")).isEqualTo(expected.get(i).get("offset"));
            assertThat(org.bitclass.gguf.GgmlType.valueOf(tensors.get(i).get("type").asText()).id)
                    .isEqualTo(expected.get(i).get("type_id").asInt());
        }
    }

    @Test
    void listsTheTensorsOfTheStockRecipe() throws Exception {
        JsonNode recipe = JSON.readTree(SharedData.path("golden/recipes/minima-qwen3.Q4_K_M.json").toFile());
        JsonNode ours = inspectJson(SharedData.path("models/minima-qwen3-f32.gguf").toString());
        Map<String, List<Long>> shapes = new HashMap<>();
        for (JsonNode t : ours.get("tensors")) {
            List<Long> shape = new ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            while (shape.size() < 2) {
                shape.add(1L); // the recipe lists 1-D tensors as [n, 1]
            }
            shapes.put(t.get("name").asText(), shape);
        }
        Map<String, List<Long>> expected = new HashMap<>();
        for (JsonNode t : recipe.get("tensors")) {
            List<Long> shape = new ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            expected.put(t.get("name").asText(), shape);
        }
        assertThat(shapes).isEqualTo(expected);
        assertThat(ours.get("parameters").asLong()).isEqualTo(expected.values().stream()
                .mapToLong(s -> s.stream().reduce(1L, (a, b) -> a * b)).sum());
        assertThat(ours.get("bpw").asDouble()).isEqualTo(32.0);
    }

    @Test
    void textOutputShowsSummaryAndEveryTensor() {
        Cli.Result r = Cli.run("inspect", SharedData.path("models/qwen35-mini.gguf").toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("architecture:  qwen35", "blk.7.ffn_down.weight", "tensor types:",
                "tokenizer.ggml.tokens", "more]", "chars)");
    }

    @Test
    void badInputGivesOneLineAndNonZeroExit(@TempDir Path tmp) throws IOException {
        Path truncated = tmp.resolve("truncated.gguf");
        byte[] model = Files.readAllBytes(SharedData.path("models/qwen35-mini.gguf"));
        Files.write(truncated, java.util.Arrays.copyOf(model, model.length / 2));
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "hello");
        for (String[] args : List.of(new String[]{"inspect", truncated.toString()},
                new String[]{"inspect", text.toString()},
                new String[]{"inspect", tmp.resolve("missing.gguf").toString()},
                new String[]{"inspect", tmp.toString()},
                new String[]{"inspect", "--bogus", text.toString()})) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err()).as(String.join(" ", args)).isNotBlank().doesNotContain("\tat ");
        }
        Cli.Result r = Cli.run("inspect", truncated.toString());
        assertThat(r.err().strip()).doesNotContain("\n").contains("truncated.gguf", "truncated");
    }

    private static JsonNode inspectJson(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("inspect", "--json"));
        all.addAll(List.of(args));
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static JsonNode pythonOracle(Path file) throws Exception {
        Path script = Path.of("src/test/resources/gguf_oracle.py");
        Process p = new ProcessBuilder("python3", script.toString(), file.toString()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor()).as(err).isZero();
        return JSON.readTree(out);
    }
}
