package org.bitclass.serve;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With --models, nothing is loaded until a model is picked; switching ends the old model's requests with an error. */
class ServeModelSwitchTest {

    private static final String LONG = "\"prompt\": \" = Ge 1 = \\n\\nIn the beginning\", \"temperature\": 0, \"max_tokens\": 2000";

    @Test
    void loadsOnDemandAndSwitchingEndsRunningRequests(@TempDir Path dir) throws Exception {
        Path minima = SharedData.path("models/minima-qwen3-bf16.gguf");
        Files.copy(minima, dir.resolve("a.gguf"));
        Files.copy(minima, dir.resolve("b.gguf"));
        try (ApiServer server = ApiServer.ofFolder(dir, ServerSettings.of("127.0.0.1", 0, 1, 2048, 2, null));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            RawClient client = new RawClient(server.port(), null);
            assertThat(client.post("/v1/completions", "{" + LONG + "}").status()).isEqualTo(503);
            assertThat(client.post("/models/load", "{\"model\": \"../a.gguf\"}").status()).isEqualTo(404);
            assertThat(client.post("/models/load", "{\"model\": \"a.gguf\"}").status()).isEqualTo(200);

            Future<RawClient.Reply> running = pool.submit(() ->
                    client.post("/v1/completions", "{\"model\": \"a.gguf\", \"stream\": true, " + LONG + "}"));
            while (server.busySlots() == 0) {
                Thread.sleep(5);
            }
            assertThat(client.post("/models/load", "{\"model\": \"b.gguf\"}").status()).isEqualTo(200);
            RawClient.Reply ended = running.get(30, TimeUnit.SECONDS);
            assertThat(ended.body()).contains("\"error\"").contains("unloaded").doesNotContain("[DONE]");

            assertThat(client.post("/v1/completions", "{\"model\": \"a.gguf\", " + LONG + "}").status()).isEqualTo(400);
            RawClient.Reply b = client.post("/v1/completions", "{\"model\": \"b.gguf\", \"max_tokens\": 4, \"prompt\": \"In\"}");
            assertThat(b.status()).isEqualTo(200);
            assertThat(b.json().get("model").asText()).isEqualTo("b.gguf");
        }
    }
}
