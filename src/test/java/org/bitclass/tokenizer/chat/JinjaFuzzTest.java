package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.JinjaOracle.Case;
import org.bitclass.tokenizer.chat.JinjaOracle.Check;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.bitclass.tokenizer.chat.JinjaOracle.vars;

/**
 * Seeded random templates against jinja2: whitespace control around every kind of tag, and expressions built from
 * the operators, literals, filters, tests and methods (where jinja2 fails, the interpreter must fail too).
 */
class JinjaFuzzTest {

    private static final int WHITESPACE_CASES = 300;
    private static final int EXPRESSION_CASES = 500;
    private static final int SOUP_CASES = 400;
    private static final int STATEMENT_CASES = 400;

    /** Pieces of template syntax that random "token soup" templates are made of, mostly invalid together. */
    private static final String[] SOUP = {
        "{%", "%}", "{{", "}}", "{#", "#}", "-%}", "{%-", " if ", " elif ", " else ", " endif ", " for ", " in ",
        " endfor ", " set ", " = ", " x ", " xs ", "(", ")", "[", "]", "{", "}", "'s'", "\"t\"", "1", "2.5", "|",
        "upper", " is ", "defined", " not ", " and ", " or ", " macro ", " m", " endmacro ", " call ", " endcall ",
        " raw ", " endraw ", ".", ":", ",", "~", "+", "*", "\n", " ", "text", " break ", " continue ", " filter ",
        " endfilter ", " endset ", "loop", ".index", "!", "$",
    };

    /** Tags with {@code L}/{@code R} where the opening and closing whitespace markers go. */
    private static final String[] TAGS = {
        "{%L if true R%}A{%L endif R%}", "{%L if false R%}B{%L else R%}C{%L endif R%}", "{{L 'v' }}", "{{L 'w' -}}",
        "{#L comment R#}", "{%L set q = 1 R%}", "{%L for i in [1, 2] R%}{{ i }}{%L endfor R%}",
        "{%L raw R%} raw {{ x }} {%L endraw R%}", "{%L if true R%}\n  D\n{%L endif R%}",
        "{%L for i in 'ab' R%}\n    {{ i }}\n{%L endfor R%}", "{%L macro m() R%} M {%L endmacro R%}{{ m() }}",
    };
    private static final String[] TEXTS = {"", "x", " ", "  ", "\t", "\n", "\n\n", "  \n  ", " y \n", "\r\n", "z\n\t"};
    private static final String[] MARKERS = {"", "", "-", "+"};

    static List<Named<Check>> whitespace() {
        Random random = new Random(7);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < WHITESPACE_CASES; i++) {
            StringBuilder template = new StringBuilder();
            int pieces = 1 + random.nextInt(5);
            for (int p = 0; p < pieces; p++) {
                template.append(TEXTS[random.nextInt(TEXTS.length)]);
                String tag = TAGS[random.nextInt(TAGS.length)];
                StringBuilder marked = new StringBuilder();
                for (char c : tag.toCharArray()) {
                    if (c == 'L' || c == 'R') {
                        String marker = MARKERS[random.nextInt(MARKERS.length)];
                        // variable tags accept no '+' before their end
                        boolean variableEnd = c == 'R' && marked.toString().contains("{{");
                        marked.append(variableEnd && marker.equals("+") ? "" : marker);
                    } else {
                        marked.append(c);
                    }
                }
                template.append(marked);
            }
            template.append(TEXTS[random.nextInt(TEXTS.length)]);
            cases.add(new Case("ws " + i + ": " + Py.repr(template.toString()), template.toString(), Map.of()));
        }
        return JinjaOracle.checks(cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whitespace")
    void whitespaceControlLikeJinja2(Check check) {
        check.run();
    }

    static List<Named<Check>> expressions() {
        Random random = new Random(11);
        Map<String, Object> context = vars("x", 5L, "y", -2L, "fl", 2.5, "s", "Ab c", "xs", List.of(3L, 1L, 2L),
                "d", Map.of("k", "v"), "nothing", null, "yes", true);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < EXPRESSION_CASES; i++) {
            String expr = new ExpressionMaker(random).expression(3);
            cases.add(new Case("expr " + i + ": " + expr, "{{ " + expr + " }}", context));
        }
        return JinjaOracle.checks(cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void expressionsLikeJinja2(Check check) {
        check.run();
    }

    static List<Named<Check>> tokenSoup() {
        Random random = new Random(3);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < SOUP_CASES; i++) {
            StringBuilder template = new StringBuilder();
            int pieces = 2 + random.nextInt(14);
            for (int p = 0; p < pieces; p++) {
                template.append(SOUP[random.nextInt(SOUP.length)]);
            }
            cases.add(new Case("soup " + i + ": " + Py.repr(template.toString()), template.toString(),
                    vars("x", 1L, "xs", List.of(1L, 2L))));
        }
        return JinjaOracle.checks(cases);
    }

    /** Broken templates fail as jinja2's do (syntax errors on the same line), never with a Java exception. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenSoup")
    void malformedTemplatesLikeJinja2(Check check) {
        check.run();
    }

    static List<Named<Check>> statements() {
        Random random = new Random(5);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < STATEMENT_CASES; i++) {
            String body = new StatementMaker(random).block(3, false);
            String template = "{% set ns = namespace(v='n') %}" + body + "|{{ a }}|{{ b }}|{{ ns.v }}";
            cases.add(new Case("statements " + i + ": " + template, template, vars("xs", List.of(1L, 2L, 3L))));
        }
        return JinjaOracle.checks(cases);
    }

    /** Nested loops, conditions, assignments, macros and blocks: jinja2's scoping rules, iteration by iteration. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("statements")
    void statementsLikeJinja2(Check check) {
        check.run();
    }

    /** Random statement nests over the variables a, b, i, j and ns.v, printing as they go. */
    private record StatementMaker(Random random) {

        private static final String[] VALUES = {"1", "'x'", "a ~ 'a'", "b ~ 'b'", "ns.v ~ 'n'", "xs|length"};

        private String pick(String[] options) {
            return options[random.nextInt(options.length)];
        }

        String block(int depth, boolean inLoop) {
            StringBuilder out = new StringBuilder();
            int count = 1 + random.nextInt(3);
            for (int k = 0; k < count; k++) {
                out.append(statement(depth, inLoop));
            }
            return out.toString();
        }

        private String value(boolean inLoop) {
            return inLoop && random.nextInt(3) == 0 ? pick(new String[] {"i", "loop.index", "i ~ a"}) : pick(VALUES);
        }

        private String statement(int depth, boolean inLoop) {
            int choice = random.nextInt(depth == 0 ? 4 : 12);
            String var = random.nextBoolean() ? "a" : "b";
            return switch (choice) {
                case 0 -> "{% set " + var + " = " + value(inLoop) + " %}";
                case 1 -> "{{ " + var + " }}.";
                case 2 -> "{% set ns.v = " + value(inLoop) + " %}";
                case 3 -> inLoop && random.nextBoolean()
                        ? "{% if " + var + " is defined %}{% " + pick(new String[] {"break", "continue"})
                                + " %}{% endif %}"
                        : "[{{ " + value(inLoop) + " }}]";
                case 4, 5 -> "{% for i in xs" + (random.nextBoolean() ? " if i != 2" : "") + " %}"
                        + block(depth - 1, true)
                        + (random.nextBoolean() ? "{% else %}E" + block(depth - 1, inLoop) : "") + "{% endfor %}";
                case 6, 7 -> "{% if " + pick(new String[] {"a", "b is defined", "not a", "ns.v == 'n'"}) + " %}"
                        + block(depth - 1, inLoop)
                        + (random.nextBoolean() ? "{% else %}" + block(depth - 1, inLoop) : "") + "{% endif %}";
                case 8 -> "{% macro m(p" + (random.nextBoolean() ? "='d'" : "") + ") %}<{{ p }}"
                        + block(depth - 1, false) + ">{% endmacro %}{{ m("
                        + (random.nextBoolean() ? value(inLoop) : "") + ") }}";
                case 9 -> "{% with " + var + " = " + value(inLoop) + " %}" + block(depth - 1, inLoop) + "{% endwith %}";
                case 10 -> "{% set c %}" + block(depth - 1, inLoop) + "{% endset %}({{ c }})";
                default -> "{% filter upper %}" + block(depth - 1, inLoop) + "{% endfilter %}";
            };
        }
    }

    /** Random expressions over small values, so Python's big integers are never needed. */
    private record ExpressionMaker(Random random) {

        private static final String[] ATOMS = {
            "x", "y", "fl", "s", "xs", "d", "nothing", "yes", "undef", "0", "1", "3", "-4", "12", "0.5", "2.0",
            "-1.25", "1e20", "'a'", "''", "'Ab c'", "'%s!'", "none", "true", "false", "[1, 'b']", "[]", "(1, 2)",
            "{'k': 1}", "'12'", "' pad '",
        };
        private static final String[] BINARY = {
            "+", "-", "*", "/", "//", "%", "~", "and", "or", "==", "!=", "<", "<=", ">", ">=", "in", "not in",
        };
        private static final String[] FILTERS = {
            "length", "string", "upper", "lower", "first", "last", "list", "int", "float", "abs", "default('D')",
            "join(', ')", "tojson", "sort", "reverse|list", "unique|list", "round(1)", "trim", "capitalize", "title",
            "sum", "min", "max", "count", "items|list", "dictsort", "select('odd')|list", "map('string')|join",
            "replace('a', 'o')", "center(7)", "wordcount", "indent(2)", "batch(2)|list", "format(1)",
        };
        private static final String[] TESTS = {
            "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "odd", "even",
            "iterable", "sequence", "mapping", "callable", "true", "false", "lower", "upper", "in [1, 'a']",
            "divisibleby 2", "eq 1", "gt 0", "not none",
        };
        private static final String[] METHODS = {
            ".upper()", ".strip()", ".split()", ".split('b')", ".startswith('A')", ".endswith(('c', 'x'))",
            ".replace('b', 'B')", ".title()", ".find('c')", ".get('k')", ".items()|list", ".keys()|list",
            ".count(1)", ".index(1)", "[0]", "[-1]", ".k", "['k']", "[5]",
        };
        /** Slices only of variables: jinja2 folds constant slices at compile time and then forgives errors. */
        private static final String[] SLICES = {"s[1:]", "s[::-1]", "xs[:2]", "xs[-2::-1]", "d[1:]", "x[1:]"};

        private String pick(String[] options) {
            return options[random.nextInt(options.length)];
        }

        String expression(int depth) {
            if (depth == 0) {
                return pick(ATOMS);
            }
            return switch (random.nextInt(10)) {
                case 0, 1 -> "(" + expression(depth - 1) + " " + pick(BINARY) + " " + expression(depth - 1) + ")";
                case 2 -> "(" + expression(depth - 1) + ")|" + pick(FILTERS);
                case 3 -> "(" + expression(depth - 1) + " is " + pick(TESTS) + ")";
                case 4 -> "(" + expression(depth - 1) + ")" + pick(METHODS);
                case 5 -> "(" + expression(depth - 1) + " if " + expression(depth - 1) + " else "
                        + expression(depth - 1) + ")";
                case 6 -> random.nextBoolean() ? "not " + expression(depth - 1) : "-(" + expression(depth - 1) + ")";
                case 7 -> pick(SLICES);
                case 8 -> "[" + expression(depth - 1) + ", " + expression(depth - 1) + "]";
                // no negative base with a fractional exponent: Python's complex results are not supported
                default -> random.nextBoolean()
                        ? "(" + pick(new String[] {"2", "-3", "0.5", "x"}) + " ** "
                                + pick(new String[] {"2", "0", "-1"}) + ")"
                        : "(" + pick(new String[] {"2", "0.5", "x"}) + " ** 0.5)";
            };
        }
    }
}
