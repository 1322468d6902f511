package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The API driven by the official OpenAI Java SDK against Minima, streaming and not. */
class ServeApiTest {

    static final String MODEL = "minima-qwen3-bf16.gguf";

    private static ApiServer server;
    private static OpenAIClient client;
    private static RawClient raw;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.ofModel(SharedData.path("models/" + MODEL), ServerSettings.of("127.0.0.1", 0, 4, 512, 2, null));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("unused")
                .maxRetries(0).build();
        raw = new RawClient(server.port(), null);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ChatCompletionCreateParams.Builder chat(String user) {
        return ChatCompletionCreateParams.builder().model(MODEL).addSystemMessage("Answer in the words of the Bible.")
                .addUserMessage(user).maxCompletionTokens(24).temperature(0.0);
    }

    @Test
    void chatCompletionWithUsage() {
        ChatCompletion c = client.chat().completions().create(chat("Who made the heaven?").build());
        assertThat(c.model()).isEqualTo(MODEL);
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.choices().getFirst().finishReason()).isIn(ChatCompletion.Choice.FinishReason.STOP,
                ChatCompletion.Choice.FinishReason.LENGTH);
        var usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).isGreaterThan(10);
        assertThat(usage.completionTokens()).isBetween(1L, 24L);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    @Test
    void streamedChatGivesTheSameTextAsOneReply() {
        ChatCompletionCreateParams params = chat("And the earth was without form?").build();
        String whole = client.chat().completions().create(params).choices().getFirst().message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        int chunks = 0;
        String finish = null;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : stream.stream().toList()) {
                chunks++;
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    choice.delta().content().ifPresent(streamed::append);
                    if (choice.finishReason().isPresent()) {
                        finish = choice.finishReason().get().asString();
                    }
                }
            }
        }
        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(chunks).isGreaterThan(2);
        assertThat(finish).isIn("stop", "length");

        ChatCompletionCreateParams withUsage = params.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(withUsage)) {
            ChatCompletionChunk last = stream.stream().reduce((a, b) -> b).orElseThrow();
            assertThat(last.choices()).isEmpty();
            assertThat(last.usage().orElseThrow().completionTokens()).isPositive();
        }
    }

    @Test
    void textCompletionStreamingAndNot() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(MODEL)
                .prompt(" = Ge 1 = \n\nIn the beginning").maxTokens(16).temperature(0.0).build();
        Completion c = client.completions().create(params);
        String text = c.choices().getFirst().text();
        assertThat(text).isNotEmpty();
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(16);
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("length");
        StringBuilder streamed = new StringBuilder();
        try (var stream = client.completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> streamed.append(choice.text())));
        }
        assertThat(streamed.toString()).isEqualTo(text);
    }

    @Test
    void stopStringEndsTheReplyBeforeIt() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(MODEL)
                .prompt(" = Ge 1 = \n\nIn the beginning").maxTokens(64).temperature(0.0).build();
        String full = client.completions().create(params).choices().getFirst().text();
        int comma = full.indexOf(',');
        assertThat(comma).as("greedy text %s", full).isPositive();
        Completion stopped = client.completions().create(params.toBuilder().stop(",").build());
        assertThat(stopped.choices().getFirst().text()).isEqualTo(full.substring(0, comma));
        assertThat(stopped.choices().getFirst().finishReason().asString()).isEqualTo("stop");
    }

    @Test
    void aSeedReproducesASampledReply() {
        ChatCompletionCreateParams params = chat("Tell of Noah.").temperature(1.0).seed(7).topP(0.9).build();
        String a = client.chat().completions().create(params).choices().getFirst().message().content().orElseThrow();
        String b = client.chat().completions().create(params).choices().getFirst().message().content().orElseThrow();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void enableThinkingReachesTheTemplate() {
        long thinking = client.chat().completions().create(chat("Hi").maxCompletionTokens(1).build())
                .usage().orElseThrow().promptTokens();
        long notThinking = client.chat().completions().create(chat("Hi").maxCompletionTokens(1)
                        .putAdditionalBodyProperty("chat_template_kwargs", JsonValue.from(Map.of("enable_thinking", false)))
                        .build()).usage().orElseThrow().promptTokens();
        assertThat(notThinking).isGreaterThan(thinking); // Qwen3's template adds an empty <think></think> block
    }

    @Test
    void toolsAreRenderedIntoThePrompt() {
        long plain = client.chat().completions().create(chat("Hi").maxCompletionTokens(1).build())
                .usage().orElseThrow().promptTokens();
        var tool = com.openai.models.chat.completions.ChatCompletionFunctionTool.builder()
                .function(com.openai.models.FunctionDefinition.builder().name("get_verse")
                        .description("Look up a verse").build()).build();
        long withTool = client.chat().completions().create(chat("Hi").maxCompletionTokens(1).addTool(tool).build())
                .usage().orElseThrow().promptTokens();
        assertThat(withTool).isGreaterThan(plain + 10);
    }

    @Test
    void aFollowUpReusesTheCacheOfTheConversationSoFar() {
        ChatCompletionCreateParams first = chat("Who was the first man?").build();
        ChatCompletion reply = client.chat().completions().create(first);
        long firstPrompt = reply.usage().orElseThrow().promptTokens();
        ChatCompletion second = client.chat().completions().create(first.toBuilder()
                .addMessage(reply.choices().getFirst().message()).addUserMessage("And his wife?").build());
        var usage = second.usage().orElseThrow();
        long cached = usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow();
        assertThat(cached).isGreaterThanOrEqualTo(firstPrompt - 1).isLessThan(usage.promptTokens());
    }

    @Test
    void modelsListsTheServedModel() {
        assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly(MODEL);
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        RawClient.Reply t = raw.post("/tokenize", "{\"content\": \"In the beginning\", \"with_pieces\": true}");
        assertThat(t.status()).isEqualTo(200);
        JsonNode tokens = t.json().get("tokens");
        assertThat(tokens.size()).isGreaterThan(1);
        assertThat(tokens.get(0).get("piece").asText()).isEqualTo("In");
        List<Integer> ids = new java.util.ArrayList<>();
        tokens.forEach(tok -> ids.add(tok.get("id").asInt()));
        RawClient.Reply d = raw.post("/detokenize", "{\"tokens\": " + ids + "}");
        assertThat(d.json().get("content").asText()).isEqualTo("In the beginning");
    }

    @Test
    void healthAndThePage() throws Exception {
        assertThat(raw.get("/health").json().get("status").asText()).isEqualTo("ok");
        RawClient.Reply page = raw.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<html");
    }
}
