package org.bitclass.tokenizer.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random chat-template inputs in the shape transformers passes them: messages (system, user, assistant with
 * reasoning, tool calls and tool results), tools as JSON schemas, and extra variables such as enable_thinking.
 */
final class Conversations {

    private static final String[] TEXTS = {
        "Hello!", "What is 2+2?", "  padded text  ", "line one\nline two\n", "Ünïcödé – 中文 – 😀",
        "quotes ' and \" and \\ backslash", "{{ not a template }} {% nor this %}", "", "\n", "tab\there",
        "<tool_response>\nfake\n</tool_response>", "Sure, here you go.", "Tell me a joke about cats.",
    };
    private static final String[] THOUGHTS = {
        "Let me think.", "\nStep 1: add.\nStep 2: done.\n", "", "Thinking with ünïcode 🤔",
    };
    private static final String[] TOOL_NAMES = {"get_weather", "search", "calculator"};

    private final Random random;
    /** Whether user turns may carry a list of content parts (text and images) instead of a string. */
    private final boolean multimodal;

    Conversations(long seed) {
        this(seed, false);
    }

    Conversations(long seed, boolean multimodal) {
        random = new Random(seed);
        this.multimodal = multimodal;
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    static Map<String, Object> message(String role, Object content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    /** A conversation: optional system prompt, then turns, possibly with tool calls and their results. */
    List<Map<String, Object>> messages(boolean withTools) {
        List<Map<String, Object>> messages = new ArrayList<>();
        if (chance(0.6)) {
            messages.add(message("system", pick(new String[] {"You are a helpful assistant.", "Be brief.\n"})));
        }
        int turns = 1 + random.nextInt(3);
        for (int turn = 0; turn < turns; turn++) {
            messages.add(message("user", multimodal && chance(0.5) ? parts() : pick(TEXTS)));
            boolean last = turn == turns - 1;
            if (last && chance(0.5)) {
                break;
            }
            if (withTools && chance(0.6)) {
                Map<String, Object> caller = toolCallingAssistant();
                messages.add(caller);
                for (Object call : (List<?>) caller.get("tool_calls")) {
                    Map<String, Object> result = message("tool", pick(new String[] {"{\"temp\": 21}", "42", "none\n"}));
                    result.put("tool_call_id", ((Map<?, ?>) call).get("id"));
                    messages.add(result);
                }
                if (last && chance(0.3)) {
                    break;
                }
            }
            messages.add(assistant());
        }
        return messages;
    }

    private List<Object> parts() {
        List<Object> parts = new ArrayList<>();
        if (chance(0.5)) {
            parts.add(Map.of("type", "image"));
        }
        parts.add(Map.of("type", "text", "text", pick(TEXTS)));
        return parts;
    }

    private Map<String, Object> assistant() {
        String answer = pick(TEXTS);
        return switch (random.nextInt(5)) {
            case 0 -> message("assistant", "<think>" + pick(THOUGHTS) + "</think>" + answer);
            case 1 -> message("assistant", "<think>\n" + pick(THOUGHTS) + "\n</think>\n\n" + answer);
            case 2 -> {
                Map<String, Object> m = message("assistant", answer);
                m.put("reasoning_content", pick(THOUGHTS));
                yield m;
            }
            default -> message("assistant", answer);
        };
    }

    private Map<String, Object> toolCallingAssistant() {
        Map<String, Object> m = message("assistant", chance(0.5) ? "" : pick(TEXTS));
        List<Object> calls = new ArrayList<>();
        int count = 1 + random.nextInt(2);
        for (int i = 0; i < count; i++) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", pick(TOOL_NAMES));
            Map<String, Object> arguments = arguments();
            function.put("arguments", chance(0.2) ? "{\"raw\": \"json string\"}" : arguments);
            Map<String, Object> call = new LinkedHashMap<>();
            // mostly ids of 9+ characters as Mistral wants, sometimes a short one it rejects
            String id = "call" + Long.toString(1_000_000_000L + random.nextInt(1 << 30), 36);
            call.put("id", chance(0.1) ? "c" + i : id);
            call.put("type", "function");
            call.put("function", function);
            calls.add(call);
        }
        m.put("tool_calls", calls);
        return m;
    }

    private Map<String, Object> arguments() {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("location", pick(new String[] {"Paris", "São Paulo", "東京", "a \"quoted\" place"}));
        if (chance(0.5)) {
            arguments.put("days", (long) random.nextInt(10));
        }
        if (chance(0.5)) {
            arguments.put("scale", pick(new Object[] {0.5, 1.0, 1e-7, 123.456}));
        }
        if (chance(0.4)) {
            arguments.put("options", List.of(true, "x", new LinkedHashMap<>(Map.of("nested", "y"))));
        }
        if (chance(0.2)) {
            arguments.put("none", null);
        }
        return arguments;
    }

    /** One to three function tools as JSON schemas. */
    List<Map<String, Object>> tools() {
        List<Map<String, Object>> tools = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            Map<String, Object> location = new LinkedHashMap<>();
            location.put("type", "string");
            location.put("description", "City name, e.g. “Paris”");
            Map<String, Object> days = new LinkedHashMap<>();
            days.put("type", "integer");
            days.put("enum", List.of(1L, 3L, 7L));
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("location", location);
            properties.put("days", days);
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("type", "object");
            parameters.put("properties", properties);
            parameters.put("required", List.of("location"));
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", TOOL_NAMES[i]);
            function.put("description", "Tool number " + i + ".\nSecond line.");
            function.put("parameters", parameters);
            Map<String, Object> tool = new LinkedHashMap<>();
            tool.put("type", "function");
            tool.put("function", function);
            tools.add(tool);
        }
        return tools;
    }

    /**
     * A full template context as {@code ChatTemplate.render(messages, tools, addGenerationPrompt, extra)} builds it,
     * so the Python oracle sees the same variables.
     */
    Map<String, Object> context(boolean withTools) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("bos_token", "<s>");
        context.put("eos_token", "</s>");
        switch (random.nextInt(3)) {
            case 0 -> context.put("enable_thinking", true);
            case 1 -> context.put("enable_thinking", false);
            default -> { }
        }
        boolean tools = withTools && chance(0.7);
        context.put("messages", messages(tools));
        context.put("tools", tools ? tools() : null);
        context.put("documents", null);
        context.put("add_generation_prompt", chance(0.5));
        return context;
    }
}
