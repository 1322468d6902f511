package org.bitclass.tokenizer.chat;

import org.bitclass.gguf.GgufFile;
import org.bitclass.testutil.SharedData;
import org.bitclass.tokenizer.chat.JinjaOracle.Case;
import org.bitclass.tokenizer.chat.JinjaOracle.Check;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bitclass.tokenizer.chat.Conversations.message;

/** The real Qwen3 chat template (from the shared Qwen3 vocabulary GGUF) renders every conversation as jinja2 does. */
class Qwen3ChatTemplateTest {

    private static final int SEEDS = 80;

    private static String template;

    /** The template as stored in the real Qwen3 vocabulary file. */
    static synchronized String qwen3Template() {
        if (template == null) {
            try (GgufFile vocab = GgufFile.open(SharedData.path("golden/tokenizer/qwen3-vocab.gguf"))) {
                template = vocab.metadata().getString("tokenizer.chat_template");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return template;
    }

    static List<Named<Check>> conversations() {
        String template = qwen3Template();
        List<Case> cases = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            cases.add(new Case("seed " + seed, template, new Conversations(seed).context(true)));
        }
        List<Named<Check>> checks = JinjaOracle.checks(cases);
        assertThat(checks).allMatch(c -> c.getPayload().expected().output() != null, "jinja2 renders every case");
        return checks;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void rendersLikeJinja2(Check check) {
        check.run();
    }

    @Test
    void systemUserAndGenerationPromptWithoutThinking() {
        List<Map<String, Object>> messages = List.of(message("system", "Be brief."), message("user", "Hi"));
        String out = ChatTemplate.compile(qwen3Template())
                .render(messages, null, true, Map.of("enable_thinking", false));
        assertThat(out).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void historicalReasoningIsDroppedButTheLastTurnKeepsIt() {
        List<Map<String, Object>> messages = List.of(
                message("user", "Q1"),
                message("assistant", "<think>\nold thoughts\n</think>\n\nA1"),
                message("user", "Q2"),
                message("assistant", "<think>new thoughts</think>A2"));
        String out = ChatTemplate.compile(qwen3Template()).render(messages, null, false, Map.of());
        assertThat(out).isEqualTo("<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n"
                + "<|im_start|>user\nQ2<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\nnew thoughts\n</think>\n\nA2<|im_end|>\n");
    }

    @Test
    void toolCallsAndResponses() {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("location", "Paris");
        arguments.put("days", 3);
        Map<String, Object> call = Map.of("function", Map.of("name", "get_weather", "arguments", arguments));
        Map<String, Object> assistant = message("assistant", "");
        assistant.put("tool_calls", List.of(call));
        List<Map<String, Object>> messages = List.of(message("user", "Weather?"), assistant,
                message("tool", "sunny"), message("tool", "warm"));
        Map<String, Object> tool = new LinkedHashMap<>(); // ordered: tojson keeps insertion order
        tool.put("type", "function");
        tool.put("function", Map.of("name", "get_weather"));
        List<Map<String, Object>> tools = List.of(tool);
        String out = ChatTemplate.compile(qwen3Template()).render(messages, tools, true, Map.of());
        assertThat(out)
                .contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}\n</tools>")
                .contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                        + "{\"location\": \"Paris\", \"days\": 3}}\n</tool_call><|im_end|>\n")
                .contains("<|im_start|>user\n<tool_response>\nsunny\n</tool_response>\n<tool_response>\nwarm\n"
                        + "</tool_response><|im_end|>\n")
                .endsWith("<|im_start|>assistant\n");
    }
}
