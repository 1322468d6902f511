package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.JinjaOracle.Case;
import org.bitclass.tokenizer.chat.JinjaOracle.Check;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bitclass.tokenizer.chat.Conversations.message;

/**
 * Templates written in the style of Llama 3.1 (tools), Mistral, Gemma and DeepSeek-R1 render seeded conversations
 * as jinja2 does, including the conversations they reject with raise_exception.
 */
class ModelStyleTemplatesTest {

    private static final int SEEDS = 40;

    private static String template(String name) {
        try {
            return JinjaConstructsTest.resource("chat/" + name + ".jinja");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Named<Check>> conversations() {
        List<Named<Check>> checks = new ArrayList<>();
        for (String name : List.of("llama31-tools-style", "mistral-style", "gemma-style", "deepseek-r1-style")) {
            boolean gemma = name.startsWith("gemma");
            List<Case> cases = new ArrayList<>();
            for (long seed = 0; seed < SEEDS; seed++) {
                Map<String, Object> context = new Conversations(seed, gemma).context(!gemma);
                cases.add(new Case(name + " seed " + seed, template(name), context));
            }
            List<Named<Check>> templateChecks = JinjaOracle.checks(cases);
            // most conversations must render, or the comparison would mostly be of errors
            assertThat(templateChecks.stream().filter(c -> c.getPayload().expected().output() != null).count())
                    .as(name + " conversations that render").isGreaterThan(SEEDS / 2);
            checks.addAll(templateChecks);
        }
        return checks;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void rendersLikeJinja2(Check check) {
        check.run();
    }

    @Test
    void gemmaRejectsTurnsThatDoNotAlternate() {
        ChatTemplate gemma = ChatTemplate.compile(template("gemma-style"));
        List<Map<String, Object>> messages = List.of(message("user", "a"), message("user", "b"));
        assertThatThrownBy(() -> gemma.render(messages, null, true, Map.of("bos_token", "<bos>")))
                .isInstanceOf(TemplateException.class)
                .hasMessage("Turns must alternate between user and model")
                .matches(e -> ((TemplateException) e).isRaisedByTemplate());
    }

    @Test
    void gemmaFoldsTheSystemPromptIntoTheFirstTurn() {
        ChatTemplate gemma = ChatTemplate.compile(template("gemma-style"));
        List<Map<String, Object>> messages = List.of(message("system", "Sys"), message("user", " Hi "),
                message("assistant", "Yo"));
        assertThat(gemma.render(messages, null, true, Map.of("bos_token", "<bos>")))
                .isEqualTo("<bos><start_of_turn>user\nSys\n\nHi<end_of_turn>\n<start_of_turn>model\nYo<end_of_turn>\n"
                        + "<start_of_turn>model\n");
    }

    @Test
    void llamaStampsTheDateFromTheClock() {
        ChatTemplate llama = ChatTemplate.compile(template("llama31-tools-style")).withClock(JinjaOracle.CLOCK);
        String out = llama.render(List.of(message("user", "Hi")), null, false, Map.of("bos_token", "<s>"));
        assertThat(out).contains("Date: 04 Jul 2024\n");
    }
}
