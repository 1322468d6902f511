package org.bitclass.serve;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tool calls come out of a reply streamed in any pieces; everything else stays content. */
class ToolCallSplitterTest {

    private static final String REPLY = "Let me look.\n<tool_call>\n{\"name\": \"get_verse\", \"arguments\": "
            + "{\"book\": \"Ge\", \"chapter\": 1}}\n</tool_call>\n<tool_call>\n{\"name\": \"now\"}\n</tool_call>";

    @Test
    void callsAreParsedWhateverThePieces() {
        for (int size = 1; size <= REPLY.length(); size++) {
            ToolCallSplitter splitter = new ToolCallSplitter();
            StringBuilder content = new StringBuilder();
            for (int i = 0; i < REPLY.length(); i += size) {
                content.append(splitter.push(REPLY.substring(i, Math.min(REPLY.length(), i + size))));
            }
            assertThat(content.toString()).as("pieces of %d", size).isEqualTo("Let me look.\n");
            StringBuilder rest = new StringBuilder();
            assertThat(splitter.finish(rest)).containsExactly(
                    new ToolCallSplitter.Call("get_verse", "{\"book\":\"Ge\",\"chapter\":1}"),
                    new ToolCallSplitter.Call("now", "{}"));
            assertThat(rest.toString()).isEmpty();
        }
    }

    @Test
    void textWithoutCallsOrWithBrokenMarkupStaysContent() {
        ToolCallSplitter plain = new ToolCallSplitter();
        String text = plain.push("a < b and <tool");
        StringBuilder rest = new StringBuilder();
        assertThat(plain.finish(rest)).isEmpty();
        assertThat(text + rest).isEqualTo("a < b and <tool");

        ToolCallSplitter broken = new ToolCallSplitter();
        String before = broken.push("x <tool_call>{not json}</tool_call>");
        StringBuilder brokenRest = new StringBuilder();
        assertThat(broken.finish(brokenRest)).isEqualTo(List.of());
        assertThat(before + brokenRest).isEqualTo("x <tool_call>{not json}</tool_call>");
    }
}
