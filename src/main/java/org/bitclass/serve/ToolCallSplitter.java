package org.bitclass.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Separates tool calls from a reply's text as it streams, for the markup Qwen's chat templates teach:
 * {@code <tool_call>{"name": …, "arguments": {…}}</tool_call>}. Text before the first call passes on as content
 * (holding back what may be the start of the tag); from the first call on the text is kept and parsed at the end.
 */
final class ToolCallSplitter {

    /** A call as OpenAI returns it: the arguments as a JSON string. */
    record Call(String name, String arguments) {
    }

    private static final String OPEN = "<tool_call>";
    private static final String CLOSE = "</tool_call>";

    private final StringBuilder pending = new StringBuilder();
    private boolean inCalls;

    /** Adds reply text; returns the content that is certain not to be part of a tool call. */
    String push(String text) {
        pending.append(text);
        if (inCalls) {
            return "";
        }
        int open = pending.indexOf(OPEN);
        if (open >= 0) {
            inCalls = true;
            return take(open);
        }
        int keep = 0;
        for (int k = Math.min(OPEN.length() - 1, pending.length()); k > 0; k--) {
            if (OPEN.startsWith(pending.substring(pending.length() - k))) {
                keep = k;
                break;
            }
        }
        return take(pending.length() - keep);
    }

    private String take(int n) {
        String out = pending.substring(0, n);
        pending.delete(0, n);
        return out;
    }

    /** The calls in the text held since the first tag; unparseable markup is given back as content in {@code rest}. */
    List<Call> finish(StringBuilder rest) {
        List<Call> calls = new ArrayList<>();
        String text = pending.toString();
        pending.setLength(0);
        int from = 0;
        for (int open; (open = text.indexOf(OPEN, from)) >= 0; ) {
            int close = text.indexOf(CLOSE, open);
            Call call = close < 0 ? null : parse(text.substring(open + OPEN.length(), close));
            if (call == null) {
                break;
            }
            rest.append(text, from, open);
            calls.add(call);
            from = close + CLOSE.length();
        }
        rest.append(text.substring(from));
        if (!calls.isEmpty() && rest.toString().isBlank()) {
            rest.setLength(0);
        }
        return calls;
    }

    private static Call parse(String json) {
        try {
            JsonNode node = Exchange.JSON.readTree(json);
            JsonNode name = node.path("name");
            JsonNode arguments = node.path("arguments");
            if (!name.isTextual()) {
                return null;
            }
            String args = arguments.isMissingNode() ? "{}" : arguments.isTextual() ? arguments.textValue()
                    : Exchange.JSON.writeValueAsString(arguments);
            return new Call(name.textValue(), args);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
