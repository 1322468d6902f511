package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: turns a request into a prompt and sampling
 * settings, queues it, and answers with one JSON object or, with {@code "stream": true}, a stream of chunks ending
 * in {@code data: [DONE]}, in OpenAI's shapes.
 */
final class CompletionEndpoint {

    /** The token limit when the request sets none. */
    private static final int DEFAULT_MAX_TOKENS = 512;

    private final boolean chat;

    private CompletionEndpoint(boolean chat) {
        this.chat = chat;
    }

    static final CompletionEndpoint CHAT = new CompletionEndpoint(true);
    static final CompletionEndpoint TEXT = new CompletionEndpoint(false);

    void handle(Exchange ex, JsonNode body, ServedModel model) throws IOException, InterruptedException {
        Fields f = new Fields(body);
        int[] prompt = chat ? chatPrompt(f, model) : textPrompt(f, model);
        JsonNode tools = f.get("tools");
        ToolCallSplitter splitter = chat && tools != null && !tools.isEmpty() ? new ToolCallSplitter() : null;
        Generation generation = Generation.parse(f, prompt, DEFAULT_MAX_TOKENS);
        boolean stream = f.bool("stream", false);
        JsonNode streamOptions = f.get("stream_options");
        boolean includeUsage = streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
        Completion completion = new Completion(generation);
        model.scheduler.submit(completion);
        Reply reply = new Reply((chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, model.name);
        try {
            if (stream) {
                stream(ex, completion, reply, includeUsage, splitter);
            } else {
                respond(ex, completion, reply, splitter);
            }
        } finally {
            completion.cancel(); // a no-op once done; frees the slot when the client left or this thread failed
        }
    }

    private int[] chatPrompt(Fields f, ServedModel model) {
        JsonNode messages = f.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.badRequest("'messages' must be a non-empty array");
        }
        List<Map<String, Object>> rendered = new ArrayList<>();
        for (JsonNode m : messages) {
            rendered.add(message(m));
        }
        JsonNode tools = f.get("tools");
        if (tools != null && !tools.isArray()) {
            throw ApiException.badRequest("'tools' must be an array");
        }
        JsonNode kwargs = f.get("chat_template_kwargs");
        if (kwargs != null && !kwargs.isObject()) {
            throw ApiException.badRequest("'chat_template_kwargs' must be an object");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> toolList = tools == null ? null : Exchange.JSON.convertValue(tools, List.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> kwargMap = kwargs == null ? Map.of() : Exchange.JSON.convertValue(kwargs, Map.class);
        return model.encodePrompt(model.renderChat(rendered, toolList, kwargMap));
    }

    /** A message as the template sees it; content given as parts is joined into one text, as llama-server does. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> message(JsonNode m) {
        if (!m.isObject() || !m.path("role").isTextual()) {
            throw ApiException.badRequest("each message must be an object with a string 'role'");
        }
        Map<String, Object> out = Exchange.JSON.convertValue(m, Map.class);
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                    throw ApiException.badRequest("only text content parts are supported");
                }
                text.append(part.get("text").textValue());
            }
            out.put("content", text.toString());
        } else if (content != null && !content.isTextual() && !content.isNull()) {
            throw ApiException.badRequest("a message's 'content' must be a string or an array of text parts");
        }
        return out;
    }

    private static int[] textPrompt(Fields f, ServedModel model) {
        JsonNode prompt = f.get("prompt");
        if (prompt != null && prompt.isTextual()) {
            return model.encodePrompt(prompt.textValue());
        }
        if (prompt != null && prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isNumber()) {
            int[] ids = f.ints("prompt");
            for (int id : ids) {
                if (id < 0 || id >= model.tokenizer.vocabSize()) {
                    throw ApiException.badRequest("token id " + id + " is outside the vocabulary");
                }
            }
            return ids;
        }
        throw ApiException.badRequest("'prompt' must be a string or an array of token ids");
    }

    private void respond(Exchange ex, Completion completion, Reply reply, ToolCallSplitter splitter)
            throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        while (true) {
            switch (completion.next(1000)) {
                case null -> { }
                case Completion.Text t -> text.append(splitter == null ? t.text() : splitter.push(t.text()));
                case Completion.Failed failed -> throw failed.error();
                case Completion.Done done -> {
                    List<ToolCallSplitter.Call> calls = splitter == null ? List.of() : splitter.finish(text);
                    ObjectNode body = reply.envelope(chat ? "chat.completion" : "text_completion");
                    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
                    if (chat) {
                        ObjectNode message = choice.putObject("message").put("role", "assistant");
                        if (calls.isEmpty() || !text.isEmpty()) {
                            message.put("content", text.toString());
                        } else {
                            message.putNull("content");
                        }
                        if (!calls.isEmpty()) {
                            message.set("tool_calls", toolCalls(calls, false));
                        }
                    } else {
                        choice.put("text", text.toString());
                    }
                    choice.putNull("logprobs");
                    choice.put("finish_reason", calls.isEmpty() ? done.finish().openAiName : "tool_calls");
                    body.set("usage", usage(done));
                    ex.sendJson(200, body);
                    return;
                }
            }
        }
    }

    private void stream(Exchange ex, Completion completion, Reply reply, boolean includeUsage,
                        ToolCallSplitter splitter) throws IOException, InterruptedException {
        ex.startEvents();
        if (chat) {
            ObjectNode first = chunk(reply);
            ((ObjectNode) first.get("choices").get(0).get("delta")).put("role", "assistant").putNull("content");
            ex.sendEvent(first);
        }
        while (true) {
            switch (completion.next(1000)) {
                case null -> { }
                case Completion.Text t -> sendText(ex, reply, splitter == null ? t.text() : splitter.push(t.text()));
                case Completion.Failed failed -> {
                    ObjectNode error = Exchange.JSON.createObjectNode();
                    error.putObject("error").put("code", failed.error().status)
                            .put("message", failed.error().getMessage()).put("type", failed.error().type());
                    ex.sendEvent(error);
                    return;
                }
                case Completion.Done done -> {
                    StringBuilder rest = new StringBuilder();
                    List<ToolCallSplitter.Call> calls = splitter == null ? List.of() : splitter.finish(rest);
                    sendText(ex, reply, rest.toString());
                    if (!calls.isEmpty()) {
                        ObjectNode c = chunk(reply);
                        ((ObjectNode) c.get("choices").get(0).get("delta")).set("tool_calls", toolCalls(calls, true));
                        ex.sendEvent(c);
                    }
                    ObjectNode last = chunk(reply);
                    ((ObjectNode) last.get("choices").get(0)).put("finish_reason",
                            calls.isEmpty() ? done.finish().openAiName : "tool_calls");
                    ex.sendEvent(last);
                    if (includeUsage) {
                        ObjectNode usage = reply.envelope(chunkObject());
                        usage.putArray("choices");
                        usage.set("usage", usage(done));
                        ex.sendEvent(usage);
                    }
                    ex.sendEvent("[DONE]");
                    return;
                }
            }
        }
    }

    /** A chunk of reply text, unless there is none. */
    private void sendText(Exchange ex, Reply reply, String text) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        ObjectNode c = chunk(reply);
        ObjectNode choice = (ObjectNode) c.get("choices").get(0);
        if (chat) {
            ((ObjectNode) choice.get("delta")).put("content", text);
        } else {
            choice.put("text", text);
        }
        ex.sendEvent(c);
    }

    /** OpenAI's {@code tool_calls}; stream deltas also carry each call's index. */
    private static ArrayNode toolCalls(List<ToolCallSplitter.Call> calls, boolean indexed) {
        ArrayNode out = Exchange.JSON.createArrayNode();
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode call = out.addObject();
            if (indexed) {
                call.put("index", i);
            }
            call.put("id", "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
                    .put("type", "function");
            call.putObject("function").put("name", calls.get(i).name()).put("arguments", calls.get(i).arguments());
        }
        return out;
    }

    private String chunkObject() {
        return chat ? "chat.completion.chunk" : "text_completion";
    }

    /** A chunk with one choice whose content the caller fills in. */
    private ObjectNode chunk(Reply reply) {
        ObjectNode c = reply.envelope(chunkObject());
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return c;
    }

    private static ObjectNode usage(Completion.Done done) {
        ObjectNode usage = Exchange.JSON.createObjectNode().put("prompt_tokens", done.promptTokens())
                .put("completion_tokens", done.completionTokens())
                .put("total_tokens", done.promptTokens() + done.completionTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", done.cachedTokens());
        return usage;
    }

    /** What every object of one reply repeats. */
    private record Reply(String id, long created, String model) {
        ObjectNode envelope(String object) {
            return Exchange.JSON.createObjectNode().put("id", id).put("object", object).put("created", created)
                    .put("model", model);
        }
    }
}
