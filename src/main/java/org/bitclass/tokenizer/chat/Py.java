package org.bitclass.tokenizer.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python value semantics for template values. Values are: null (None), Boolean, Long (int), Double (float), String,
 * List (list), {@link PyTuple}, Map (dict, insertion-ordered), {@link Undefined}, {@link Namespace},
 * {@link PyIterator}, {@link LoopContext} and {@link PyCallable}.
 */
final class Py {

    /** A dict lookup result meaning "no such key". */
    private static final Object ABSENT = new Object();

    private Py() {
    }

    /** Converts caller-supplied Java values (Jackson trees included) into template values. */
    static Object fromJava(Object value) {
        return switch (value) {
            case null -> null;
            case Boolean b -> b;
            case String s -> s;
            case CharSequence cs -> cs.toString();
            case Character c -> c.toString();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case BigInteger i when i.bitLength() < 64 -> i.longValue();
            case Byte b -> b.longValue();
            case Short s -> s.longValue();
            case Integer i -> i.longValue();
            case Long l -> l;
            case Map<?, ?> m -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                m.forEach((k, v) -> copy.put(fromJava(k), fromJava(v)));
                yield copy;
            }
            case Collection<?> c -> {
                List<Object> copy = new ArrayList<>(c.size());
                c.forEach(item -> copy.add(fromJava(item)));
                yield copy;
            }
            case Object[] array -> fromJava(List.of(array));
            default -> throw new TemplateException("unsupported value of type " + value.getClass().getName());
        };
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case String s -> !s.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    /** Python's {@code str(v)}; undefined is the empty string. */
    static String str(Object v) {
        return switch (v) {
            case String s -> s;
            case List<?> l -> repr(l);
            case Map<?, ?> m -> repr(m);
            case null, default -> scalarStr(v);
        };
    }

    private static String scalarStr(Object v) {
        return switch (v) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> reprFloat(d);
            default -> v.toString();
        };
    }

    /** Python's {@code repr(v)}. */
    static String repr(Object v) {
        return switch (v) {
            case String s -> PyStr.repr(s);
            case PyTuple t -> t.size() == 1 ? "(" + repr(t.getFirst()) + ",)" : join("(", t, ")");
            case List<?> l -> join("[", l, "]");
            case Map<?, ?> m -> {
                StringBuilder sb = new StringBuilder("{");
                m.forEach((k, val) -> sb.append(sb.length() > 1 ? ", " : "").append(repr(k)).append(": ")
                        .append(repr(val)));
                yield sb.append('}').toString();
            }
            case Undefined u -> "Undefined";
            case null, default -> scalarStr(v);
        };
    }

    private static String join(String open, List<?> items, String close) {
        StringBuilder sb = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(repr(items.get(i)));
        }
        return sb.append(close).toString();
    }

    /** Python's float repr: the shortest round-tripping digits, exponent form below 1e-4 and from 1e16. */
    static String reprFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestDigits(d);
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        int point = exponent + 1;
        if (point <= 0) {
            return sign + "0." + "0".repeat(-point) + digits;
        }
        if (point >= digits.length()) {
            return sign + digits + "0".repeat(point - digits.length()) + ".0";
        }
        return sign + digits.substring(0, point) + "." + digits.substring(point);
    }

    /**
     * The shortest decimal that reads back as {@code d}. Java's {@code Double.toString} is shortest too, except that
     * it always gives two digits, so a one-digit candidate is tried first.
     */
    private static BigDecimal shortestDigits(double d) {
        BigDecimal oneDigit = new BigDecimal(d).round(new MathContext(1, RoundingMode.HALF_EVEN));
        if (oneDigit.doubleValue() == d) {
            return oneDigit.stripTrailingZeros();
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros();
    }

    /** Python's type name of a value, for error messages and tests. */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case PyTuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case PyIterator it -> it.typeName();
            case Macro m -> "Macro";
            case PyCallable c -> "builtin_function_or_method";
            default -> v.getClass().getSimpleName();
        };
    }

    /** How jinja2 names an object in "has no attribute" messages. */
    static String objectDescription(Object v) {
        return v == null ? "None" : typeName(v) + " object";
    }

    static TemplateException typeError(String message) {
        return new TemplateException(message);
    }

    /** Python {@code ==}: numbers by value across int/float/bool, lists and tuples never equal each other. */
    static boolean equal(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return Numbers.compare(a, b) == 0 && !Numbers.isNaN(a) && !Numbers.isNaN(b);
        }
        return switch (a) {
            case null -> b == null;
            case String s -> s.equals(b);
            case Undefined u -> b instanceof Undefined;
            case PyTuple t -> b instanceof PyTuple u && equalItems(t, u);
            case List<?> l -> b instanceof List<?> m && !(b instanceof PyTuple) && equalItems(l, m);
            case Map<?, ?> m -> b instanceof Map<?, ?> n && equalMaps(m, n);
            default -> a == b;
        };
    }

    private static boolean equalItems(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!equal(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalMaps(Map<?, ?> a, Map<?, ?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<?, ?> e : a.entrySet()) {
            Object other = dictGet(b, e.getKey(), ABSENT);
            if (other == ABSENT || !equal(e.getValue(), other)) {
                return false;
            }
        }
        return true;
    }

    /** A dict lookup where, as in Python, 1, 1.0 and True are the same key. */
    static Object dictGet(Map<?, ?> map, Object key, Object fallback) {
        if (map.containsKey(key)) {
            return map.get(key);
        }
        if (isNumber(key)) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (isNumber(e.getKey()) && equal(e.getKey(), key)) {
                    return e.getValue();
                }
            }
        }
        return fallback;
    }

    /** A dict store where, as in Python, an equal key already present (1 for True, say) keeps its place and form. */
    static void dictPut(Map<Object, Object> map, Object key, Object value) {
        if (isNumber(key) && !map.containsKey(key)) {
            for (Object existing : map.keySet()) {
                if (isNumber(existing) && equal(existing, key)) {
                    map.put(existing, value);
                    return;
                }
            }
        }
        map.put(key, value);
    }

    /** Python ordering for {@code < <= > >=} and sorting; fails for types Python cannot order. */
    static int compare(Object a, Object b, String op) {
        if (isNumber(a) && isNumber(b)) {
            return Numbers.compare(a, b);
        }
        if (a instanceof String s && b instanceof String t) {
            return PyStr.compare(s, t);
        }
        if (a instanceof List<?> l && b instanceof List<?> m && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(l.size(), m.size()); i++) {
                if (!equal(l.get(i), m.get(i))) {
                    return compare(l.get(i), m.get(i), op);
                }
            }
            return Integer.compare(l.size(), m.size());
        }
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        throw typeError("'" + op + "' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    /** The items a for loop sees: characters of a string, keys of a dict; undefined iterates as empty. */
    static List<Object> iterate(Object v) {
        return switch (v) {
            case String s -> new ArrayList<>(PyStr.chars(s));
            case List<?> l -> new ArrayList<>(l);
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case PyIterator it -> it.drain();
            case Undefined u -> new ArrayList<>();
            case null, default -> throw typeError("'" + typeName(v) + "' object is not iterable");
        };
    }

    static boolean isIterable(Object v) {
        return v instanceof String || v instanceof Collection<?> || v instanceof Map<?, ?>
                || v instanceof Iterator<?> || v instanceof Undefined;
    }

    /** Python's {@code len(v)}; characters are code points. */
    static int length(Object v) {
        return switch (v) {
            case String s -> s.codePointCount(0, s.length());
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            case null, default -> throw typeError("object of type '" + typeName(v) + "' has no len()");
        };
    }

    /** Python's {@code x in container}. */
    static boolean contains(Object container, Object item) {
        return switch (container) {
            case String s -> {
                if (!(item instanceof String needle)) {
                    throw typeError("'in <string>' requires string as left operand, not " + typeName(item));
                }
                yield s.contains(needle);
            }
            case Map<?, ?> m -> {
                if ((item instanceof List<?> && !(item instanceof PyTuple)) || item instanceof Map<?, ?>) {
                    throw typeError("unhashable type: '" + typeName(item) + "'");
                }
                yield dictGet(m, item, ABSENT) != ABSENT;
            }
            case Undefined u -> false;
            case null, default -> {
                for (Object o : iterateForContains(container)) {
                    if (equal(o, item)) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    private static List<Object> iterateForContains(Object container) {
        if (!isIterable(container)) {
            throw typeError("argument of type '" + typeName(container) + "' is not iterable");
        }
        return iterate(container);
    }

    /** An int argument (bools count, as in Python), for indexes, counts and widths. */
    static long toLong(Object v, String what) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        throw typeError(what + " must be an integer, not '" + typeName(v) + "'");
    }

    static String requireString(Object v, String what) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        throw typeError(what + " must be str, not " + typeName(v));
    }

    static Object requireDefined(Object v) {
        if (v instanceof Undefined u) {
            throw u.error();
        }
        return v;
    }
}
