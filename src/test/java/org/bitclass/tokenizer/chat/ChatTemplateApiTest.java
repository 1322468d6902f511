package org.bitclass.tokenizer.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.bitclass.tokenizer.chat.Conversations.message;

/** The public API: inputs, the transformers-style render, and errors as TemplateException with a line. */
class ChatTemplateApiTest {

    @Test
    void rendersJacksonParsedJson() throws Exception {
        Map<String, Object> context = new ObjectMapper().readValue("""
                {"messages": [{"role": "user", "content": "hi", "n": 3, "big": 12345678901234, "f": 1.0,
                               "ok": true, "nothing": null, "list": [1, 2.5, "x"]}]}
                """, new TypeReference<>() { });
        String out = ChatTemplate.compile("{% for m in messages %}{{ m.n + 1 }} {{ m.big }} {{ m.f }} {{ m.ok }} "
                + "{{ m.nothing }} {{ m.list }} {{ m|tojson }}{% endfor %}").render(context);
        assertThat(out).isEqualTo("4 12345678901234 1.0 True None [1, 2.5, 'x'] {\"role\": \"user\", "
                + "\"content\": \"hi\", \"n\": 3, \"big\": 12345678901234, \"f\": 1.0, \"ok\": true, \"nothing\": "
                + "null, \"list\": [1, 2.5, \"x\"]}");
    }

    @Test
    void transformersStyleRenderSetsTheStandardVariables() {
        ChatTemplate t = ChatTemplate.compile("{{ bos_token }}{{ messages|length }} {{ tools }} "
                + "{{ add_generation_prompt }} {{ documents is none }} {{ enable_thinking }}");
        List<Map<String, Object>> messages = List.of(message("user", "a"), message("assistant", "b"));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("bos_token", "<s>");
        extra.put("enable_thinking", false);
        extra.put("messages", "ignored: the messages argument wins");
        assertThat(t.render(messages, null, true, extra)).isEqualTo("<s>2 None True True False");
        assertThat(t.render(messages, List.of(Map.of("type", "function")), false, null))
                .isEqualTo("2 [{'type': 'function'}] False True ");
    }

    @Test
    void inputsAreNeitherRequiredMutableNorModified() {
        Map<String, Object> user = new LinkedHashMap<>(message("user", "hi"));
        List<Map<String, Object>> messages = new ArrayList<>(List.of(user));
        ChatTemplate t = ChatTemplate.compile("{% set ns = namespace(n=0) %}{% for m in messages %}"
                + "{% set ns.n = ns.n + 1 %}{% set m = 'shadowed' %}{% endfor %}{{ ns.n }}");
        assertThat(t.render(Map.of("messages", messages))).isEqualTo("1");
        assertThat(t.render(Map.of("messages", List.of(Map.of("role", "user"))))).isEqualTo("1");
        assertThat(messages).containsExactly(Map.of("role", "user", "content", "hi"));
    }

    @Test
    void aCompiledTemplateRendersIndependentlyEachTime() {
        ChatTemplate t = ChatTemplate.compile("{% set ns = namespace(total=0) %}{% for x in xs %}"
                + "{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}");
        Map<String, Object> context = Map.of("xs", List.of(1, 2, 3));
        assertThat(t.render(context)).isEqualTo("6");
        assertThat(t.render(context)).isEqualTo("6");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        TemplateException e = catchThrowableOfType(TemplateException.class,
                () -> ChatTemplate.compile("line one\n{% if x %}\n{{ x + }}\n{% endif %}"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith("line 3: ");
        assertThat(e.isRaisedByTemplate()).isFalse();
        assertThat(e.getStackTrace()).as("no stack trace is recorded for users").isEmpty();
    }

    @Test
    void unclosedBlocksAndUnknownTagsAreSyntaxErrors() {
        assertThatThrownBy(() -> ChatTemplate.compile("{% for x in xs %}\nno end"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("endfor");
        assertThatThrownBy(() -> ChatTemplate.compile("{% include 'other.jinja' %}"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("unknown tag 'include'");
    }

    @Test
    void runtimeErrorsNameTheStatementLine() {
        ChatTemplate t = ChatTemplate.compile("ok\n\n{{ user.name }}");
        assertThatThrownBy(() -> t.render(Map.of())).isInstanceOf(TemplateException.class)
                .hasMessage("line 3: 'user' is undefined");
    }

    @Test
    void raiseExceptionGivesExactlyTheTemplateMessage() {
        ChatTemplate t = ChatTemplate.compile("{% if messages|length == 0 %}\n"
                + "{{ raise_exception('No messages: ' ~ messages|length) }}{% endif %}");
        TemplateException e = catchThrowableOfType(TemplateException.class,
                () -> t.render(Map.of("messages", List.of())));
        assertThat(e.getMessage()).isEqualTo("No messages: 0");
        assertThat(e.isRaisedByTemplate()).isTrue();
    }

    @Test
    void valuesOfUnsupportedTypesAreRejected() {
        ChatTemplate t = ChatTemplate.compile("{{ x }}");
        assertThatThrownBy(() -> t.render(Map.of("x", new Object()))).isInstanceOf(TemplateException.class)
                .hasMessageContaining("unsupported value");
        assertThatThrownBy(() -> t.render(Map.of("x", BigInteger.TWO.pow(70)))).isInstanceOf(TemplateException.class);
    }

    @Test
    void runawayRecursionIsATemplateError() {
        ChatTemplate t = ChatTemplate.compile("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        assertThatThrownBy(() -> t.render(Map.of())).isInstanceOf(TemplateException.class)
                .hasMessageContaining("recursion");
    }

    @Test
    void listsCannotBeModified() {
        ChatTemplate t = ChatTemplate.compile("{% set xs = [1] %}{{ xs.append(2) }}");
        assertThatThrownBy(() -> t.render(Map.of())).isInstanceOf(TemplateException.class)
                .hasMessageContaining("access to attribute 'append' of 'list' object is unsafe.");
    }
}
