package org.bitclass.cli;

import org.bitclass.gguf.GgufModel;
import org.bitclass.testutil.SharedData;
import org.bitclass.tokenizer.Tokenizer;
import org.bitclass.tokenizer.chat.ChatTemplate;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConversationTest {

    @Test
    void makingRoomDropsWholeExchangesOldestFirstAndKeepsTheSystemMessage() throws IOException {
        Conversation c = minimaConversation();
        c.reset("Answer.");
        for (int i = 0; i < 4; i++) {
            c.add("user", "Question number " + i + " about the heaven and the earth?");
            c.add("assistant", "Answer number " + i + ": in the beginning God created them.");
        }
        c.add("user", "The last question?");
        int full = c.prompt().length;
        int limit = full - 10;

        int dropped = c.dropOldestUntil(limit);

        assertThat(dropped).isEqualTo(2);
        assertThat(c.prompt().length).isLessThanOrEqualTo(limit);
        String text = render(c);
        assertThat(text).contains("Answer.", "Question number 1", "The last question?").doesNotContain("number 0");
    }

    @Test
    void theSystemMessageAndTheNewMessageAlwaysStay() throws IOException {
        Conversation c = minimaConversation();
        c.reset("Answer.");
        c.add("user", "Old question?");
        c.add("assistant", "Old answer.");
        c.add("user", "New question?");

        assertThat(c.dropOldestUntil(1)).isEqualTo(2);
        assertThat(render(c)).contains("Answer.", "New question?").doesNotContain("Old");
    }

    private static Conversation minimaConversation() throws IOException {
        try (GgufModel gguf = GgufModel.open(SharedData.path("models/minima-qwen3-bf16.gguf"))) {
            Map<String, Object> extra = new HashMap<>();
            return new Conversation(ChatTemplate.compile(gguf.metadata().getString("tokenizer.chat_template")), extra,
                    Tokenizer.fromMetadata(gguf.metadata()));
        }
    }

    private static String render(Conversation c) throws IOException {
        try (GgufModel gguf = GgufModel.open(SharedData.path("models/minima-qwen3-bf16.gguf"))) {
            return Tokenizer.fromMetadata(gguf.metadata()).decode(c.prompt());
        }
    }
}
