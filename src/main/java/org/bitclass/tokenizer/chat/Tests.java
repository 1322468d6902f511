package org.bitclass.tokenizer.chat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** jinja2's built-in tests ({@code x is defined}, {@code x is divisibleby 3}...), as in jinja2 3.1. */
final class Tests {

    @FunctionalInterface
    interface Test {
        boolean test(Object value, Arguments args);
    }

    private static final Map<String, Test> TESTS = new HashMap<>();

    static {
        register("odd", (v, a) -> noArguments(a, "odd") && Py.equal(Operators.binary("%", v, 2L), 1L));
        register("even", (v, a) -> noArguments(a, "even") && Py.equal(Operators.binary("%", v, 2L), 0L));
        register("divisibleby", (v, a) -> Py.equal(
                Operators.binary("%", v, a.bind("divisibleby", "num").required(0)), 0L));
        register("defined", (v, a) -> noArguments(a, "defined") && !(v instanceof Undefined));
        register("undefined", (v, a) -> noArguments(a, "undefined") && v instanceof Undefined);
        register("filter", (v, a) -> noArguments(a, "filter") && v instanceof String s && Filters.exists(s));
        register("test", (v, a) -> noArguments(a, "test") && v instanceof String s && TESTS.containsKey(s));
        register("none", (v, a) -> noArguments(a, "none") && v == null);
        register("boolean", (v, a) -> noArguments(a, "boolean") && v instanceof Boolean);
        register("false", (v, a) -> noArguments(a, "false") && Boolean.FALSE.equals(v));
        register("true", (v, a) -> noArguments(a, "true") && Boolean.TRUE.equals(v));
        register("integer", (v, a) -> noArguments(a, "integer") && v instanceof Long);
        register("float", (v, a) -> noArguments(a, "float") && v instanceof Double);
        register("lower", (v, a) -> noArguments(a, "lower") && PyStr.isCase(Py.str(v), false));
        register("upper", (v, a) -> noArguments(a, "upper") && PyStr.isCase(Py.str(v), true));
        register("string", (v, a) -> noArguments(a, "string") && v instanceof String);
        register("mapping", (v, a) -> noArguments(a, "mapping") && v instanceof Map<?, ?>);
        register("number", (v, a) -> noArguments(a, "number") && Py.isNumber(v));
        register("sequence", (v, a) -> noArguments(a, "sequence")
                && (v instanceof String || v instanceof List<?> || v instanceof Map<?, ?> || v instanceof Undefined));
        register("iterable", (v, a) -> noArguments(a, "iterable") && (Py.isIterable(v) || v instanceof LoopContext));
        register("callable", (v, a) -> noArguments(a, "callable")
                && (v instanceof PyCallable || v instanceof Undefined || v instanceof LoopContext));
        register("sameas", (v, a) -> sameAs(v, a.bind("sameas", "other").required(0)));
        // Nothing is Markup here: HF renders without autoescape and this interpreter does not track Markup.
        register("escaped", (v, a) -> !noArguments(a, "escaped"));
        register("in", (v, a) -> Py.contains(a.bind("in", "seq").required(0), v));
        comparison("==", "eq", "equalto");
        comparison("!=", "ne");
        comparison(">", "gt", "greaterthan");
        comparison(">=", "ge");
        comparison("<", "lt", "lessthan");
        comparison("<=", "le");
    }

    private Tests() {
    }

    private static void register(String name, Test test) {
        TESTS.put(name, test);
    }

    private static void comparison(String op, String... names) {
        Test test = (v, a) -> Operators.compare(op, v, a.bind(op, "other").required(0));
        register(op, test);
        for (String name : names) {
            register(name, test);
        }
    }

    /** Checks that a test got no argument besides the value; returns true so it can lead a condition. */
    private static boolean noArguments(Arguments args, String name) {
        args.bind(name);
        return true;
    }

    /** Python's {@code is}: None, bools and undefined by kind, everything else by identity. */
    private static boolean sameAs(Object a, Object b) {
        if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) {
            return a == null ? b == null : a.equals(b);
        }
        return a == b;
    }

    static boolean exists(String name) {
        return TESTS.containsKey(name);
    }

    static boolean apply(String name, Object value, Arguments args) {
        Test test = TESTS.get(name);
        if (test == null) {
            throw new TemplateException("No test named '" + name + "'.");
        }
        return test.test(value, args);
    }
}
