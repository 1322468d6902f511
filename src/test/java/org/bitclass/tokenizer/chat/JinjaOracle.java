package org.bitclass.tokenizer.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Named;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Renders test cases with Python jinja2 set up as Hugging Face does ({@code jinja_oracle.py}), in one python process
 * per batch, and checks that {@link ChatTemplate} gives the same bytes, or fails where jinja2 fails.
 */
final class JinjaOracle {

    /** The time strftime_now sees on both sides, so its output can be compared. */
    static final LocalDateTime NOW = LocalDateTime.of(2024, 7, 4, 9, 5, 7);
    static final Clock CLOCK = Clock.fixed(NOW.toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JINJA2_VERSION = "3.1.6";
    private static String python;

    record Case(String name, String template, Map<String, Object> context) {
        Case {
            context = context == null ? Map.of() : context;
        }
    }

    /** What jinja2 did: {@code output}, or an error (class name, message, whether raise_exception raised it). */
    record Outcome(String output, String error, String message, boolean raised, Integer lineno) {
    }

    /** One case with jinja2's outcome, for parameterized tests. */
    record Check(Case testCase, Outcome expected) {

        void run() {
            String actual = null;
            TemplateException failure = null;
            try {
                actual = ChatTemplate.compile(testCase.template()).withClock(CLOCK).render(testCase.context());
            } catch (TemplateException e) {
                failure = e;
            }
            String what = "template " + Py.repr(testCase.template()) + " with " + testCase.context();
            if (expected.output() != null) {
                if (failure != null) {
                    fail(what + " failed with '" + failure.getMessage() + "' but jinja2 rendered "
                            + Py.repr(expected.output()));
                }
                assertThat(actual).as(what).isEqualTo(expected.output());
                return;
            }
            if (failure == null) {
                fail(what + " rendered " + Py.repr(actual) + " but jinja2 failed: " + expected.error() + ": "
                        + expected.message());
            }
            if (expected.raised()) {
                assertThat(failure.isRaisedByTemplate()).as(what + " raised by template").isTrue();
                assertThat(failure.getMessage()).as(what).isEqualTo(expected.message());
            } else {
                assertThat(failure.isRaisedByTemplate()).as(what + " not raised by template").isFalse();
            }
            if (expected.error().equals("TemplateSyntaxError") && expected.lineno() != null) {
                assertThat(failure.line()).as(what + " error line").isEqualTo(expected.lineno());
            }
        }
    }

    private JinjaOracle() {
    }

    static List<Named<Check>> checks(List<Case> cases) {
        List<Outcome> outcomes = render(cases);
        List<Named<Check>> checks = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            checks.add(Named.of(cases.get(i).name(), new Check(cases.get(i), outcomes.get(i))));
        }
        return checks;
    }

    static List<Outcome> render(List<Case> cases) {
        List<Map<String, Object>> input = new ArrayList<>();
        for (Case c : cases) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("template", c.template());
            item.put("context", c.context());
            item.put("now", NOW.toString());
            input.add(item);
        }
        try {
            Process python = new ProcessBuilder(python(), script("jinja_oracle.py").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var stdin = python.getOutputStream()) {
                stdin.write(JSON.writeValueAsBytes(input));
            }
            String stdout = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (python.waitFor() != 0) {
                throw new IllegalStateException("jinja_oracle.py failed");
            }
            return JSON.readValue(stdout, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException("cannot run python3 with jinja2 (the test oracle)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A python 3 with jinja2 3.1.6, the version the interpreter is checked against: {@code -Dbitclass.python}, else
     * python3 on the PATH, else pyenv's (a PATH without pyenv's shims finds the system python, without jinja2).
     */
    static synchronized String python() {
        if (python != null) {
            return python;
        }
        List<String> candidates = new ArrayList<>();
        if (System.getProperty("bitclass.python") != null) {
            candidates.add(System.getProperty("bitclass.python"));
        }
        candidates.add("python3");
        candidates.add(Path.of(System.getProperty("user.home"), ".pyenv", "shims", "python3").toString());
        for (String candidate : candidates) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import jinja2; print(jinja2.__version__)")
                        .redirectErrorStream(true).start();
                String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor() == 0 && version.equals(JINJA2_VERSION)) {
                    python = candidate;
                    return python;
                }
            } catch (IOException e) {
                // not installed there; try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no python3 with jinja2 " + JINJA2_VERSION + " (the test oracle) among "
                + candidates + "; set -Dbitclass.python=PATH");
    }

    /** A python helper shipped in the test resources. */
    static Path script(String name) {
        try {
            return Path.of(JinjaOracle.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds a context map from alternating names and values (values may be null). */
    static Map<String, Object> vars(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }
}
