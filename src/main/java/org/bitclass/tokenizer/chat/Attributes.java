package org.bitclass.tokenizer.chat;

import java.util.List;
import java.util.Map;

/**
 * Attribute and item access as jinja2's sandbox does it: {@code x.name} prefers the attribute (a method) and falls
 * back to the item, {@code x[key]} prefers the item and falls back to the attribute; a miss is undefined.
 */
final class Attributes {

    private static final Object ABSENT = new Object();

    private Attributes() {
    }

    static Object getAttr(Object object, String name) {
        Py.requireDefined(object);
        Object attribute = attribute(object, name);
        if (attribute != ABSENT) {
            return attribute;
        }
        Object item = item(object, name);
        return item != ABSENT ? item : Undefined.member(object, name);
    }

    static Object getItem(Object object, Object key) {
        Py.requireDefined(object);
        Object item = item(object, key);
        if (item != ABSENT) {
            return item;
        }
        Object attribute = key instanceof String name ? attribute(object, name) : ABSENT;
        return attribute != ABSENT ? attribute : Undefined.member(object, key);
    }

    /** {@code object[start:stop:step]} for strings, lists and tuples; jinja2 slices without the sandbox fallback. */
    static Object getSlice(Object object, Long start, Long stop, Long step) {
        return switch (Py.requireDefined(object)) {
            case String s -> PyStr.slice(s, start, stop, step);
            case PyTuple t -> PyTuple.of(Sequences.slice(t, start, stop, step));
            case List<?> l -> Sequences.slice(l, start, stop, step);
            case null, default -> throw new TemplateException("'" + Py.typeName(object)
                    + "' object is not subscriptable");
        };
    }

    private static Object attribute(Object object, String name) {
        return switch (object) {
            case Namespace ns -> ns.attributes.containsKey(name) ? ns.attributes.get(name) : ABSENT;
            case LoopContext loop -> loop.attribute(name);
            case null, default -> {
                Object method = Methods.bind(object, name);
                yield method != null ? method : ABSENT;
            }
        };
    }

    private static Object item(Object object, Object key) {
        return switch (object) {
            case Map<?, ?> m -> Py.dictGet(m, key, ABSENT);
            case List<?> l when Numbers.isIntegral(key) -> {
                int at = Sequences.position(Numbers.asLong(key), l.size());
                yield at < 0 ? ABSENT : l.get(at);
            }
            case String s when Numbers.isIntegral(key) -> {
                int at = Sequences.position(Numbers.asLong(key), s.codePointCount(0, s.length()));
                yield at < 0 ? ABSENT : Character.toString(s.codePointAt(s.offsetByCodePoints(0, at)));
            }
            case null, default -> ABSENT;
        };
    }
}
