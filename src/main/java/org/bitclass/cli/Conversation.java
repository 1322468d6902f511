package org.bitclass.cli;

import org.bitclass.tokenizer.Tokenizer;
import org.bitclass.tokenizer.chat.ChatTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The messages of a chat and their prompt tokens in the model's template. When the context fills, the oldest
 * exchanges go, whole messages at a time so that the template stays well-formed; the system message stays, as
 * llama.cpp keeps its first tokens when it shifts the context.
 */
final class Conversation {

    private final ChatTemplate template;
    private final Map<String, Object> extra;
    private final Tokenizer tokenizer;
    private final List<Map<String, Object>> messages = new ArrayList<>();

    Conversation(ChatTemplate template, Map<String, Object> extra, Tokenizer tokenizer) {
        this.template = template;
        this.extra = extra;
        this.tokenizer = tokenizer;
    }

    /** Starts over with this system message (none when null). */
    void reset(String system) {
        messages.clear();
        if (system != null) {
            messages.add(Map.of("role", "system", "content", system));
        }
    }

    void add(String role, String content) {
        messages.add(Map.of("role", role, "content", content));
    }

    void removeLast() {
        messages.removeLast();
    }

    /** The whole conversation as the model reads it, ending with the assistant's turn opening. */
    int[] prompt() {
        String text = template.render(messages, null, true, extra);
        String bos = (String) extra.get("bos_token");
        return tokenizer.encode(text, bos == null || !text.startsWith(bos), true);
    }

    /**
     * Drops the oldest messages after the system message until the prompt has at most {@code limit} tokens;
     * the last message (the user's new one) always stays.
     *
     * @return how many messages were dropped
     */
    int dropOldestUntil(int limit) {
        int first = !messages.isEmpty() && "system".equals(messages.getFirst().get("role")) ? 1 : 0;
        int dropped = 0;
        while (messages.size() - first > 1 && prompt().length > limit) {
            messages.remove(first);
            dropped++;
            // a conversation resumes with a user turn, as templates expect
            while (messages.size() - first > 1 && !"user".equals(messages.get(first).get("role"))) {
                messages.remove(first);
                dropped++;
            }
        }
        return dropped;
    }
}
