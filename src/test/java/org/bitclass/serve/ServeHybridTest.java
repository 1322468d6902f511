package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A qwen35 (recurrent) model served: its slots run one after another within a step; a follow-up reuses the
 * recurrent state when the new prompt extends what the slot holds, and a repeated prompt resumes from the state
 * saved before its last token.
 */
class ServeHybridTest {

    @Test
    void servesConcurrentRequestsAndReusesTheStateOfAConversation() throws Exception {
        try (ApiServer server = ApiServer.ofModel(SharedData.path("models/minima-qwen35-bf16.gguf"),
                ServerSettings.of("127.0.0.1", 0, 2, 256, 2, null))) {
            RawClient client = new RawClient(server.port(), null);
            String first = "[{\"role\": \"user\", \"content\": \"Who was Abraham?\"}]";
            JsonNode reply = chat(client, first);
            String answer = reply.at("/choices/0/message/content").asText();
            long firstPrompt = reply.at("/usage/prompt_tokens").asLong();

            JsonNode again = chat(client, first); // resumes from the state taken before the prompt's last token
            assertThat(again.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(firstPrompt - 1);
            assertThat(again.at("/choices/0/message/content").asText()).isEqualTo(answer);

            String followUp = first.substring(0, first.length() - 1) + ", {\"role\": \"assistant\", \"content\": "
                    + Exchange.JSON.writeValueAsString(answer) + "}, {\"role\": \"user\", \"content\": \"And Isaac?\"}]";
            JsonNode second = chat(client, followUp);
            long cached = second.at("/usage/prompt_tokens_details/cached_tokens").asLong();
            assertThat(cached).isGreaterThanOrEqualTo(firstPrompt).isLessThan(second.at("/usage/prompt_tokens").asLong());

            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<JsonNode>> replies = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String messages = "[{\"role\": \"user\", \"content\": \"Psalm " + i + "\"}]";
                    replies.add(pool.submit(() -> chat(client, messages)));
                }
                for (Future<JsonNode> f : replies) {
                    assertThat(f.get().at("/choices/0/finish_reason").asText()).isIn("stop", "length");
                }
            }
        }
    }

    private static JsonNode chat(RawClient client, String messages) throws Exception {
        RawClient.Reply r = client.post("/v1/chat/completions",
                "{\"max_tokens\": 6, \"temperature\": 0, \"messages\": " + messages + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
