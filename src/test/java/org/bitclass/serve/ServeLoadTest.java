package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** 64 clients on loopback, 5 requests each, streamed and not: every reply complete and valid, no heap growth. */
class ServeLoadTest {

    private static final int CLIENTS = 64;
    private static final int REQUESTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sixtyFourClientsFiveRequestsEach() throws Exception {
        ServerSettings settings = ServerSettings.of("127.0.0.1", 0, 8, 256, 2, null);
        try (ApiServer server = ApiServer.ofModel(SharedData.path("models/minima-qwen3-bf16.gguf"), settings);
             HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build()) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
            for (int warmUp = 0; warmUp < 2; warmUp++) {
                check(http, uri, warmUp, warmUp % 2 == 1);
            }
            long before = usedHeapAfterGc();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    done.add(clients.submit(() -> {
                        for (int r = 0; r < REQUESTS; r++) {
                            long t0 = System.nanoTime();
                            check(http, uri, client * REQUESTS + r, (client + r) % 2 == 0);
                            latencies.add(System.nanoTime() - t0);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(); // rethrows any failed check: 0 errors
                }
            }
            long after = usedHeapAfterGc();
            List<Long> sorted = latencies.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "serve load: %d requests, latency p50 %.0f ms, p99 %.0f ms; heap %d -> %d MiB%n",
                    sorted.size(), sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() * 99 / 100) / 1e6,
                    before >> 20, after >> 20);
            assertThat(sorted).hasSize(CLIENTS * REQUESTS);
            assertThat(after).isLessThanOrEqualTo((long) (before * 1.2));
        }
    }

    /** Sends one request and checks its reply is complete and in OpenAI's shape. */
    private static void check(HttpClient http, URI uri, int n, boolean stream) throws Exception {
        String body = "{\"model\": \"minima-qwen3-bf16.gguf\", \"max_tokens\": 8, \"stream\": " + stream
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"Verse " + n + " of the book of Ruth\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (!stream) {
            JsonNode reply = JSON.readTree(r.body());
            assertThat(reply.at("/choices/0/message/content").isTextual()).isTrue();
            assertThat(reply.at("/choices/0/finish_reason").asText()).isIn("stop", "length");
            assertThat(reply.at("/usage/completion_tokens").asInt()).isBetween(1, 8);
            return;
        }
        List<String> events = List.of(r.body().split("\n\n"));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            assertThat(e).startsWith("data: ");
            JsonNode chunk = JSON.readTree(e.substring(6));
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            JsonNode reason = chunk.at("/choices/0/finish_reason");
            if (!reason.isNull()) {
                finish = reason.asText();
            }
        }
        assertThat(finish).isIn("stop", "length");
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
