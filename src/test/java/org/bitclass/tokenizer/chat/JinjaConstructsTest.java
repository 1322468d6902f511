package org.bitclass.tokenizer.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.tokenizer.chat.JinjaOracle.Case;
import org.bitclass.tokenizer.chat.JinjaOracle.Check;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every supported construct, in the small templates of {@code chat/constructs.cases}, renders as jinja2 does. */
class JinjaConstructsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Variables every case sees unless it overrides them. */
    private static final String DEFAULTS = """
            {"s": "Hello World", "n": 7, "f": 2.5, "t": true, "e": "", "none": null, "xs": [3, 1, 2],
             "d": {"b": 2, "a": 1},
             "users": [{"name": "bob", "age": 30, "admin": true}, {"name": "amy", "age": 19, "admin": false},
                       {"name": "cy", "age": 30, "admin": false}],
             "msgs": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"},
                      {"role": "assistant", "content": "yo"}, {"role": "user", "content": "bye"}]}
            """;

    static List<Named<Check>> cases() throws IOException {
        List<Case> cases = parse(resource("chat/constructs.cases"));
        assertThat(cases).hasSizeGreaterThan(100);
        return JinjaOracle.checks(cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersLikeJinja2(Check check) {
        check.run();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = JinjaConstructsTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** "=== name", template lines, "--- {json}"; lines starting with # before the first case are comments. */
    private static List<Case> parse(String text) throws IOException {
        Map<String, Object> defaults = JSON.readValue(DEFAULTS, new TypeReference<>() { });
        List<Case> cases = new ArrayList<>();
        String name = null;
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("=== ")) {
                name = line.substring(4);
                lines.clear();
            } else if (line.startsWith("---") && name != null) {
                Map<String, Object> context = new LinkedHashMap<>(defaults);
                String json = line.substring(3).trim();
                if (!json.isEmpty()) {
                    context.putAll(JSON.readValue(json, new TypeReference<Map<String, Object>>() { }));
                }
                cases.add(new Case(name, String.join("\n", lines), context));
                name = null;
            } else if (name != null) {
                lines.add(line);
            }
        }
        return cases;
    }
}
