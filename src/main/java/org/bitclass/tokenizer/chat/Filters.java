package org.bitclass.tokenizer.chat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * jinja2's built-in filters as of 3.1, with HF's {@code tojson}. Filters that jinja2 implements as generators
 * ({@code map}, {@code select}, {@code unique}...) return a one-shot {@link PyIterator}, as there.
 */
final class Filters {

    @FunctionalInterface
    interface Filter {
        Object apply(Object value, Arguments args);
    }

    private static final Map<String, Filter> FILTERS = new HashMap<>();
    private static final Pattern WORD_BEGINNINGS = Pattern.compile("([-\\s({\\[<]+)", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+");

    static {
        register("abs", (v, a) -> abs(v, a));
        register("attr", (v, a) -> attr(v, a));
        register("batch", Filters::batch);
        register("capitalize", (v, a) -> PyStr.capitalize(Py.str(noArgs(v, a, "capitalize"))));
        register("center", (v, a) -> {
            Arguments.Bound b = a.bind("center", "width");
            return PyStr.pad(Py.str(v), Py.toLong(b.get(0, 80L), "width"), " ", '^');
        });
        register("default", Filters::defaultValue);
        register("d", Filters::defaultValue);
        register("dictsort", Filters::dictsort);
        register("escape", Filters::escape);
        register("e", Filters::escape);
        register("first", (v, a) -> first(noArgs(v, a, "first")));
        register("float", Filters::toFloat);
        register("format", Filters::format);
        register("indent", Filters::indent);
        register("int", Filters::toInt);
        register("items", Filters::items);
        register("join", Filters::join);
        register("last", (v, a) -> last(noArgs(v, a, "last")));
        register("length", (v, a) -> (long) Py.length(noArgs(v, a, "length")));
        register("count", (v, a) -> (long) Py.length(noArgs(v, a, "count")));
        register("list", (v, a) -> Py.iterate(noArgs(v, a, "list")));
        register("lower", (v, a) -> PyStr.lower(Py.str(noArgs(v, a, "lower"))));
        register("map", Filters::map);
        register("max", (v, a) -> extreme(v, a, "max", 1));
        register("min", (v, a) -> extreme(v, a, "min", -1));
        register("reject", (v, a) -> selectOrReject(v, a, false, false));
        register("rejectattr", (v, a) -> selectOrReject(v, a, false, true));
        register("replace", Filters::replace);
        register("reverse", (v, a) -> reverse(noArgs(v, a, "reverse")));
        register("round", Filters::round);
        register("safe", (v, a) -> Py.str(noArgs(v, a, "safe")));
        register("select", (v, a) -> selectOrReject(v, a, true, false));
        register("selectattr", (v, a) -> selectOrReject(v, a, true, true));
        register("sort", Filters::sort);
        register("string", (v, a) -> Py.str(noArgs(v, a, "string")));
        register("sum", Filters::sum);
        register("title", (v, a) -> title(Py.str(noArgs(v, a, "title"))));
        register("tojson", Filters::tojson);
        register("trim", (v, a) -> PyStr.strip(Py.str(v), optionalString(a.bind("trim", "chars").get(0, null))));
        register("unique", Filters::unique);
        register("upper", (v, a) -> PyStr.upper(Py.str(noArgs(v, a, "upper"))));
        register("wordcount", (v, a) -> WORD.matcher(Py.str(noArgs(v, a, "wordcount"))).results().count());
    }

    private Filters() {
    }

    private static void register(String name, Filter filter) {
        FILTERS.put(name, filter);
    }

    static boolean exists(String name) {
        return FILTERS.containsKey(name);
    }

    static Object apply(String name, Object value, Arguments args) {
        Filter filter = FILTERS.get(name);
        if (filter == null) {
            throw new TemplateException("No filter named '" + name + "'.");
        }
        return filter.apply(value, args);
    }

    private static Object noArgs(Object value, Arguments args, String name) {
        args.bind(name);
        return value;
    }

    private static String optionalString(Object v) {
        return v == null ? null : Py.str(v);
    }

    private static Object abs(Object v, Arguments a) {
        noArgs(v, a, "abs");
        if (!Py.isNumber(Py.requireDefined(v))) {
            throw new TemplateException("bad operand type for abs(): '" + Py.typeName(v) + "'");
        }
        return Numbers.compare(v, 0L) < 0 ? Numbers.negate(v) : v instanceof Boolean ? Numbers.asLong(v) : v;
    }

    /** The attribute only (a method, namespace or loop attribute), never an item. */
    private static Object attr(Object v, Arguments a) {
        String name = Py.str(a.bind("attr", "name").required(0));
        boolean hasAttribute = v instanceof Namespace ns ? ns.attributes.containsKey(name)
                : v instanceof LoopContext || Methods.bind(Py.requireDefined(v), name) != null;
        return hasAttribute ? Attributes.getAttr(v, name) : Undefined.member(v, name);
    }

    private static Object batch(Object v, Arguments a) {
        Arguments.Bound b = a.bind("batch", "linecount", "fill_with");
        int size = (int) Py.toLong(b.required(0), "linecount");
        Object fill = b.get(1, null);
        List<Object> items = Py.iterate(v);
        List<Object> batches = new ArrayList<>();
        for (int i = 0; i < items.size(); i += Math.max(size, 1)) {
            List<Object> chunk = new ArrayList<>(items.subList(i, Math.min(items.size(), i + Math.max(size, 1))));
            while (fill != null && chunk.size() < size) {
                chunk.add(fill);
            }
            batches.add(chunk);
        }
        return PyIterator.generator(batches);
    }

    private static Object defaultValue(Object v, Arguments a) {
        Arguments.Bound b = a.bind("default", "default_value", "boolean");
        boolean useOnFalse = Py.truthy(b.get(1, false));
        return v instanceof Undefined || (useOnFalse && !Py.truthy(v)) ? b.get(0, "") : v;
    }

    private static Object dictsort(Object v, Arguments a) {
        Arguments.Bound b = a.bind("dictsort", "case_sensitive", "by", "reverse");
        boolean caseSensitive = Py.truthy(b.get(0, false));
        Object by = b.get(1, "key");
        if (!"key".equals(by) && !"value".equals(by)) {
            throw new TemplateException("You can only sort by either \"key\" or \"value\"");
        }
        if (!(Py.requireDefined(v) instanceof Map<?, ?> map)) {
            throw new TemplateException("'" + Py.typeName(v) + "' object has no attribute 'items'");
        }
        int position = "key".equals(by) ? 0 : 1;
        List<Object> items = new ArrayList<>();
        map.forEach((key, value) -> items.add(PyTuple.of(key, value)));
        return sorted(items, item -> caseFold(((PyTuple) item).get(position), caseSensitive),
                Py.truthy(b.get(2, false)));
    }

    /** Python's {@code sorted(items, key=key, reverse=reverse)}: stable, and reverse keeps equal items in order. */
    private static List<Object> sorted(List<Object> items, Function<Object, Object> key, boolean reverse) {
        List<Object[]> keyed = new ArrayList<>();
        for (Object item : items) {
            keyed.add(new Object[] {key.apply(item), item});
        }
        Comparator<Object[]> order = (x, y) -> Py.compare(x[0], y[0], "<");
        keyed.sort(reverse ? order.reversed() : order);
        List<Object> out = new ArrayList<>();
        keyed.forEach(pair -> out.add(pair[1]));
        return out;
    }

    private static Object caseFold(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? PyStr.lower(s) : v;
    }

    private static Object escape(Object v, Arguments a) {
        noArgs(v, a, "escape");
        return Py.str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
    }

    private static Object first(Object v) {
        if (v instanceof PyIterator it) {
            return it.hasNext() ? it.next() : Undefined.withHint("No first item, sequence was empty.");
        }
        List<Object> items = Py.iterate(v);
        return items.isEmpty() ? Undefined.withHint("No first item, sequence was empty.") : items.getFirst();
    }

    private static Object last(Object v) {
        if (v instanceof PyIterator it) {
            throw new TemplateException("'" + it.typeName() + "' object is not reversible");
        }
        List<Object> items = Py.iterate(v);
        return items.isEmpty() ? Undefined.withHint("No last item, sequence was empty.") : items.getLast();
    }

    private static Object toFloat(Object v, Arguments a) {
        Object fallback = a.bind("float", "default").get(0, 0.0);
        Double parsed = parseFloat(v);
        return parsed == null ? fallback : parsed;
    }

    private static final Pattern FLOAT_TEXT = Pattern.compile(
            "[+-]?((\\d(_?\\d)*)?\\.?\\d(_?\\d)*([eE][+-]?\\d(_?\\d)*)?|(\\d(_?\\d)*)\\.([eE][+-]?\\d(_?\\d)*)?"
                    + "|(?i:inf|infinity|nan))");

    /** Python's {@code float(v)}, or null where it raises TypeError or ValueError (undefined fails outright). */
    private static Double parseFloat(Object v) {
        if (Py.isNumber(Py.requireDefined(v))) {
            return Numbers.asDouble(v);
        }
        if (!(v instanceof String s)) {
            return null;
        }
        String text = PyStr.strip(s, null);
        if (!FLOAT_TEXT.matcher(text).matches()) {
            return null;
        }
        String plain = text.replace("_", "").toLowerCase();
        boolean negative = plain.startsWith("-");
        String unsigned = plain.replaceFirst("^[+-]", "");
        double magnitude = unsigned.startsWith("inf") ? Double.POSITIVE_INFINITY
                : unsigned.equals("nan") ? Double.NaN : Double.parseDouble(unsigned);
        return negative ? -magnitude : magnitude;
    }

    private static Object toInt(Object v, Arguments a) {
        Arguments.Bound b = a.bind("int", "default", "base");
        Object fallback = b.get(0, 0L);
        Py.requireDefined(v);
        if (v instanceof String s) {
            Long parsed = parseInt(s, Py.toLong(b.get(1, 10L), "base"));
            if (parsed != null) {
                return parsed;
            }
        } else if (Numbers.isIntegral(v)) {
            return Numbers.asLong(v);
        }
        Double real = parseFloat(v);
        if (real == null || real.isNaN() || real.isInfinite()) {
            return fallback;
        }
        return Numbers.truncate(real);
    }

    private static final Pattern INT_TEXT = Pattern.compile("([+-]?)(0[xob])?_?([0-9a-z]+(_[0-9a-z]+)*)");

    /** Python's {@code int(s, base)}, or null where it raises. */
    private static Long parseInt(String s, long base) {
        Matcher m = INT_TEXT.matcher(PyStr.strip(s, null).toLowerCase());
        if (!m.matches() || base < 0 || base == 1 || base > 36) {
            return null;
        }
        String prefix = m.group(2);
        long radix = base;
        if (prefix != null) {
            long prefixRadix = prefix.equals("0x") ? 16 : prefix.equals("0o") ? 8 : 2;
            if (base != 0 && base != prefixRadix) {
                return null;
            }
            radix = prefixRadix;
        } else if (base == 0) {
            if (m.group(3).length() > 1 && m.group(3).startsWith("0") && !m.group(3).matches("0+")) {
                return null;
            }
            radix = 10;
        }
        if (prefix == null && m.group(0).replaceFirst("^[+-]", "").startsWith("_")) {
            return null;
        }
        try {
            return Long.parseLong(m.group(1) + m.group(3).replace("_", ""), (int) radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Object format(Object v, Arguments a) {
        if (!a.positional().isEmpty() && !a.keywords().isEmpty()) {
            throw new TemplateException("can't handle positional and keyword arguments at the same time");
        }
        Object values = a.keywords().isEmpty() ? PyTuple.of(a.positional()) : new LinkedHashMap<>(a.keywords());
        return PyFormat.percent(Py.str(v), values);
    }

    /** jinja2's indent: later lines get it (blank ones only with {@code blank}), the first with {@code first}. */
    private static Object indent(Object v, Arguments a) {
        Arguments.Bound b = a.bind("indent", "width", "first", "blank");
        Object width = b.get(0, 4L);
        String indention = width instanceof String s ? s : " ".repeat((int) Math.max(0, Py.toLong(width, "width")));
        if (!(Py.requireDefined(v) instanceof String text)) {
            throw new TemplateException("unsupported operand type(s) for +=: '" + Py.typeName(v) + "' and 'str'");
        }
        List<Object> lines = PyStr.splitlines(text + "\n", false);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = (String) lines.get(i);
            if (i > 0) {
                out.append('\n').append(Py.truthy(b.get(2, false)) || !line.isEmpty() ? indention : "");
            }
            out.append(line);
        }
        return Py.truthy(b.get(1, false)) ? indention + out : out.toString();
    }

    private static Object items(Object v, Arguments a) {
        noArgs(v, a, "items");
        if (v instanceof Undefined) {
            return PyIterator.generator(List.of());
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new TemplateException("Can only get item pairs from a mapping.");
        }
        List<Object> pairs = new ArrayList<>();
        map.forEach((key, value) -> pairs.add(PyTuple.of(key, value)));
        return PyIterator.generator(pairs);
    }

    private static Object join(Object v, Arguments a) {
        Arguments.Bound b = a.bind("join", "d", "attribute");
        List<Object> items = Py.iterate(v);
        Function<Object, Object> getter = attributeGetter(b.get(1, null), null);
        StringBuilder out = new StringBuilder();
        String separator = Py.str(b.get(0, ""));
        for (int i = 0; i < items.size(); i++) {
            out.append(i > 0 ? separator : "").append(Py.str(getter.apply(items.get(i))));
        }
        return out.toString();
    }

    /**
     * jinja2's make_attrgetter: follows a dotted path (digit parts are indexes) with item-first lookup; with a
     * {@code fallback}, an undefined step becomes the fallback.
     */
    static Function<Object, Object> attributeGetter(Object attribute, Object fallback) {
        if (attribute == null) {
            return item -> item;
        }
        List<Object> parts = new ArrayList<>();
        if (attribute instanceof String path) {
            for (String part : path.split("\\.", -1)) {
                parts.add(!part.isEmpty() && part.chars().allMatch(Character::isDigit) ? Long.parseLong(part) : part);
            }
        } else {
            parts.add(attribute);
        }
        return item -> {
            Object current = item;
            for (Object part : parts) {
                current = Attributes.getItem(current, part);
                if (fallback != null && current instanceof Undefined) {
                    current = fallback;
                }
            }
            return current;
        };
    }

    private static Object map(Object v, Arguments a) {
        Function<Object, Object> function;
        if (a.positional().isEmpty() && a.keywords().containsKey("attribute")) {
            Map<String, Object> rest = new LinkedHashMap<>(a.keywords());
            Object attribute = rest.remove("attribute");
            Object fallback = rest.remove("default");
            if (!rest.isEmpty()) {
                throw new TemplateException("Unexpected keyword argument '" + rest.keySet().iterator().next() + "'");
            }
            function = attributeGetter(attribute, fallback);
        } else {
            if (a.positional().isEmpty()) {
                throw new TemplateException("map requires a filter argument");
            }
            String name = Py.str(a.get(0));
            Arguments rest = a.dropFirst(1);
            function = item -> apply(name, item, rest);
        }
        return lazily(Py.truthy(v) ? Py.iterate(v) : List.of(), items -> items.map(function));
    }

    /** A generator over {@code items} transformed lazily, as jinja2's generator filters are. */
    private static PyIterator lazily(List<Object> items,
                                     Function<Stream<Object>, Stream<Object>> op) {
        Iterator<Object> iterator = op.apply(items.stream()).iterator();
        return new PyIterator("generator", iterator);
    }

    private static Object extreme(Object v, Arguments a, String name, int sign) {
        Arguments.Bound b = a.bind(name, "case_sensitive", "attribute");
        List<Object> items = Py.iterate(v);
        if (items.isEmpty()) {
            return Undefined.withHint("No aggregated item, sequence was empty.");
        }
        boolean caseSensitive = Py.truthy(b.get(0, false));
        Function<Object, Object> getter = attributeGetter(b.get(1, null), null);
        Object best = items.getFirst();
        Object bestKey = caseFold(getter.apply(best), caseSensitive);
        for (Object item : items.subList(1, items.size())) {
            Object key = caseFold(getter.apply(item), caseSensitive);
            if (Py.compare(key, bestKey, sign > 0 ? ">" : "<") * sign > 0) {
                best = item;
                bestKey = key;
            }
        }
        return best;
    }

    /** select/reject (by a test, or truthiness) and their {@code attr} variants that test an attribute. */
    private static Object selectOrReject(Object v, Arguments a, boolean select, boolean byAttribute) {
        if (!Py.truthy(v)) {
            return PyIterator.generator(List.of());
        }
        int offset = byAttribute ? 1 : 0;
        if (byAttribute && a.positional().isEmpty()) {
            throw new TemplateException("Missing parameter for attribute name");
        }
        Function<Object, Object> getter = byAttribute ? attributeGetter(a.get(0), null) : item -> item;
        Predicate<Object> test;
        if (a.size() > offset) {
            String name = Py.str(a.get(offset));
            Arguments rest = a.dropFirst(offset + 1);
            test = item -> Tests.apply(name, item, rest);
        } else {
            test = Py::truthy;
        }
        return lazily(Py.iterate(v), items -> items.filter(item -> test.test(getter.apply(item)) == select));
    }

    private static Object replace(Object v, Arguments a) {
        Arguments.Bound b = a.bind("replace", "old", "new", "count");
        Object count = b.get(2, null);
        return PyStr.replace(Py.str(v), Py.str(b.required(0)), Py.str(b.required(1)),
                count == null ? -1 : Py.toLong(count, "count"));
    }

    private static Object reverse(Object v) {
        return switch (v) {
            case String s -> new StringBuilder(s).reverse().toString();
            case PyTuple t -> new PyIterator("reversed", t.reversed().iterator());
            case List<?> l -> new PyIterator("list_reverseiterator", l.reversed().iterator());
            case Map<?, ?> m -> new PyIterator("dict_reversekeyiterator",
                    new ArrayList<Object>(m.keySet()).reversed().iterator());
            case Undefined u -> new PyIterator("reversed", List.of().iterator());
            case null, default -> {
                if (!Py.isIterable(v)) {
                    throw new TemplateException("argument must be iterable");
                }
                yield Py.iterate(v).reversed();
            }
        };
    }

    private static Object round(Object v, Arguments a) {
        Arguments.Bound b = a.bind("round", "precision", "method");
        long precision = Py.toLong(b.get(0, 0L), "precision");
        Object method = b.get(1, "common");
        if (!"common".equals(method) && !"ceil".equals(method) && !"floor".equals(method)) {
            throw new TemplateException("method must be common, ceil or floor");
        }
        if (!Py.isNumber(Py.requireDefined(v))) {
            throw new TemplateException("type " + Py.typeName(v) + " doesn't define __round__ method");
        }
        if ("common".equals(method)) {
            if (Numbers.isIntegral(v)) {
                return precision >= 0 ? Numbers.asLong(v) : BigDecimal.valueOf(Numbers.asLong(v))
                        .setScale((int) precision, RoundingMode.HALF_EVEN).longValue();
            }
            double d = Numbers.asDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d) || precision > 400) {
                return d;
            }
            return new BigDecimal(d).setScale((int) Math.max(precision, -400), RoundingMode.HALF_EVEN).doubleValue();
        }
        double scale = Math.pow(10, precision);
        double scaled = Numbers.asDouble(v) * scale;
        return ("ceil".equals(method) ? Math.ceil(scaled) : Math.floor(scaled)) / scale;
    }

    private static Object sort(Object v, Arguments a) {
        Arguments.Bound b = a.bind("sort", "reverse", "case_sensitive", "attribute");
        boolean caseSensitive = Py.truthy(b.get(1, false));
        Object attribute = b.get(2, null);
        List<Function<Object, Object>> getters = new ArrayList<>();
        if (attribute instanceof String path) {
            for (String part : path.split(",", -1)) {
                getters.add(attributeGetter(part, null));
            }
        } else {
            getters.add(attributeGetter(attribute, null));
        }
        Function<Object, Object> key = item -> {
            List<Object> keys = new ArrayList<>();
            getters.forEach(getter -> keys.add(caseFold(getter.apply(item), caseSensitive)));
            return keys;
        };
        return sorted(Py.iterate(v), key, Py.truthy(b.get(0, false)));
    }

    private static Object sum(Object v, Arguments a) {
        Arguments.Bound b = a.bind("sum", "attribute", "start");
        Function<Object, Object> getter = attributeGetter(b.get(0, null), null);
        Object total = b.get(1, 0L);
        if (total instanceof String) {
            throw new TemplateException("sum() can't sum strings [use ''.join(seq) instead]");
        }
        for (Object item : Py.iterate(v)) {
            total = Operators.binary("+", total, getter.apply(item));
        }
        return total;
    }

    /** jinja2's title: each word after a dash, space or opening bracket starts upper case, the rest lower case. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder();
        Matcher m = WORD_BEGINNINGS.matcher(s);
        int start = 0;
        while (m.find()) {
            out.append(titleWord(s.substring(start, m.start()))).append(m.group());
            start = m.end();
        }
        return out.append(titleWord(s.substring(start))).toString();
    }

    private static String titleWord(String word) {
        if (word.isEmpty()) {
            return word;
        }
        int first = word.codePointAt(0);
        return PyStr.upper(Character.toString(first)) + PyStr.lower(word.substring(Character.charCount(first)));
    }

    /** HF's tojson: {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
    private static Object tojson(Object v, Arguments a) {
        Arguments.Bound b = a.bind("tojson", "ensure_ascii", "indent", "separators", "sort_keys");
        return new Json(Py.truthy(b.get(0, false)), b.get(1, null), b.get(2, null), Py.truthy(b.get(3, false)))
                .dumps(v);
    }

    private static Object unique(Object v, Arguments a) {
        Arguments.Bound b = a.bind("unique", "case_sensitive", "attribute");
        boolean caseSensitive = Py.truthy(b.get(0, false));
        Function<Object, Object> getter = attributeGetter(b.get(1, null), null);
        List<Object> seen = new ArrayList<>();
        return lazily(Py.iterate(v), items -> items.filter(item -> {
            Object key = caseFold(getter.apply(item), caseSensitive);
            if ((key instanceof List<?> && !(key instanceof PyTuple)) || key instanceof Map<?, ?>) {
                throw new TemplateException("unhashable type: '" + Py.typeName(key) + "'");
            }
            if (seen.stream().anyMatch(k -> Py.equal(k, key))) {
                return false;
            }
            seen.add(key);
            return true;
        }));
    }
}
