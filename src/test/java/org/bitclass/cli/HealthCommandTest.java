package org.bitclass.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bitclass health} on the shared models: table, JSON as docs/health.md describes it. */
class HealthCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"models/minima-qwen3-f32.gguf, 90, 11", "models/qwen35-mini.gguf, 108, 14"})
    void scansEveryTensorAndWritesTheDocumentedJson(String model, int tensors, int roles) throws IOException {
        Path json = dir.resolve("health.json");
        Cli.Result r = Cli.run("health", SharedData.path(model).toString(), "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("tensor ").contains("tensors flagged");

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("threshold").asDouble()).isEqualTo(3.5);
        assertThat(root.get("min_peers").asInt()).isEqualTo(3);
        assertThat(root.get("tensors")).hasSize(tensors);
        assertThat(root.get("roles")).hasSize(roles);
        assertThat(root.get("skipped")).isEmpty();
        int flagged = 0;
        for (JsonNode t : root.get("tensors")) {
            assertThat(t.get("std").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(t.get("elements").asLong()).isEqualTo(product(t.get("shape")));
            flagged += t.get("flags").isEmpty() ? 0 : 1;
            if (t.get("layer").isNull()) {
                assertThat(t.get("z").isNull()).as(t.get("name").asText()).isTrue();
            }
        }
        assertThat(root.get("flagged").asInt()).isEqualTo(flagged);
        assertThat(r.out()).contains(flagged + " of " + tensors + " tensors flagged");
    }

    private static long product(JsonNode shape) {
        long n = 1;
        for (JsonNode d : shape) {
            n *= d.asLong();
        }
        return n;
    }
}
