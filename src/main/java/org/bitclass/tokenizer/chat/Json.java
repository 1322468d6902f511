package org.bitclass.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as HF's {@code tojson} filter calls it: {@code ensure_ascii}, {@code indent} (int or
 * string), {@code separators} (default {@code ", "} and {@code ": "}, or {@code ","} when indenting) and
 * {@code sort_keys}.
 */
final class Json {

    private final boolean ensureAscii;
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;

    Json(boolean ensureAscii, Object indent, Object separators, boolean sortKeys) {
        this.ensureAscii = ensureAscii;
        this.indent = switch (indent) {
            case null -> null;
            case String s -> s;
            default -> " ".repeat((int) Math.max(0, Py.toLong(indent, "indent")));
        };
        if (separators == null) {
            itemSeparator = this.indent == null ? ", " : ",";
            keySeparator = ": ";
        } else {
            List<Object> pair = Py.iterate(separators);
            if (pair.size() != 2) {
                throw new TemplateException("separators must be a pair of strings");
            }
            itemSeparator = Py.requireString(pair.get(0), "item separator");
            keySeparator = Py.requireString(pair.get(1), "key separator");
        }
        this.sortKeys = sortKeys;
    }

    String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private void write(Object value, StringBuilder out, int depth) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Long l -> out.append(l);
            case Double d -> out.append(number(d));
            case String s -> string(s, out);
            case List<?> list -> container(list, '[', ']', out, depth, (item, o) -> write(item, o, depth + 1));
            case Map<?, ?> map -> {
                List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
                if (sortKeys) {
                    entries.sort((a, b) -> Py.compare(a.getKey(), b.getKey(), "<"));
                }
                container(entries, '{', '}', out, depth, (entry, o) -> {
                    string(key(entry.getKey()), o);
                    o.append(keySeparator);
                    write(entry.getValue(), o, depth + 1);
                });
            }
            default -> throw new TemplateException("Object of type " + Py.typeName(value)
                    + " is not JSON serializable");
        }
    }

    private <T> void container(List<T> items, char open, char close, StringBuilder out, int depth,
                               java.util.function.BiConsumer<T, StringBuilder> item) {
        if (items.isEmpty()) {
            out.append(open).append(close);
            return;
        }
        out.append(open);
        String newline = indent == null ? "" : "\n" + indent.repeat(depth + 1);
        for (int i = 0; i < items.size(); i++) {
            out.append(i > 0 ? itemSeparator : "").append(newline);
            item.accept(items.get(i), out);
        }
        if (indent != null) {
            out.append('\n').append(indent.repeat(depth));
        }
        out.append(close);
    }

    private static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return Py.reprFloat(d);
    }

    /** JSON object keys: strings as they are, numbers, bools and None converted as Python does. */
    private static String key(Object key) {
        return switch (key) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case Double d -> number(d);
            default -> throw new TemplateException("keys must be str, int, float, bool or None, not "
                    + Py.typeName(key));
        };
    }

    private void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
