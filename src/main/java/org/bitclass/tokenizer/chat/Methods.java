package org.bitclass.tokenizer.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods templates call on values ({@code content.strip()}, {@code message.get('x')},
 * {@code d.items()}...). Mutating list and dict methods are refused, as in jinja2's ImmutableSandboxedEnvironment.
 */
final class Methods {

    private static final Set<String> STRING = Set.of("split", "rsplit", "splitlines", "strip", "lstrip", "rstrip",
            "startswith", "endswith", "replace", "upper", "lower", "title", "capitalize", "swapcase", "find", "rfind",
            "index", "rindex", "count", "join", "format", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum",
            "isspace", "islower", "isupper", "center", "ljust", "rjust", "zfill", "removeprefix", "removesuffix",
            "partition", "rpartition");
    private static final Set<String> DICT = Set.of("items", "keys", "values", "get", "copy");
    private static final Set<String> LIST = Set.of("index", "count", "copy");
    private static final Set<String> TUPLE = Set.of("index", "count");
    private static final Set<String> DICT_MUTATORS = Set.of("clear", "pop", "popitem", "setdefault", "update");
    private static final Set<String> LIST_MUTATORS = Set.of("append", "clear", "pop", "reverse", "insert", "sort",
            "extend", "remove");

    private Methods() {
    }

    /**
     * The method {@code name} of {@code receiver} bound to it, an undefined that fails when called for a refused
     * mutator, or null when the value has no such method.
     */
    static Object bind(Object receiver, String name) {
        boolean known = switch (receiver) {
            case String s -> STRING.contains(name);
            case PyTuple t -> TUPLE.contains(name);
            case List<?> l -> LIST.contains(name);
            case Map<?, ?> m -> DICT.contains(name);
            case null, default -> false;
        };
        if (known) {
            return (PyCallable) args -> call(receiver, name, args);
        }
        boolean mutator = receiver instanceof Map<?, ?> ? DICT_MUTATORS.contains(name)
                : receiver instanceof List<?> && !(receiver instanceof PyTuple) && LIST_MUTATORS.contains(name);
        return mutator ? Undefined.withHint("access to attribute '" + name + "' of '" + Py.typeName(receiver)
                + "' object is unsafe.") : null;
    }

    private static Object call(Object receiver, String name, Arguments args) {
        return switch (receiver) {
            case String s -> StringMethods.call(s, name, args);
            case Map<?, ?> m -> dictMethod(m, name, args);
            default -> sequenceMethod((List<?>) receiver, name, args);
        };
    }

    private static Object dictMethod(Map<?, ?> map, String name, Arguments args) {
        if (name.equals("get")) {
            Arguments.Bound a = args.bind("get", "key", "default");
            return Py.dictGet(map, a.required(0), a.get(1, null));
        }
        args.bind(name);
        return switch (name) {
            case "items" -> {
                List<Object> items = new ArrayList<>();
                map.forEach((k, v) -> items.add(PyTuple.of(k, v)));
                yield items;
            }
            case "keys" -> new ArrayList<Object>(map.keySet());
            case "values" -> new ArrayList<Object>(map.values());
            default -> new LinkedHashMap<Object, Object>(map);
        };
    }

    private static Object sequenceMethod(List<?> list, String name, Arguments args) {
        if (name.equals("copy")) {
            args.bind(name);
            return new ArrayList<Object>(list);
        }
        Arguments.Bound a = args.bind(name, "value", "start", "stop");
        Object value = a.required(0);
        int[] range = Sequences.clampRange(list.size(), optionalLong(a, 1), optionalLong(a, 2));
        long matches = 0;
        for (int i = range[0]; i < range[1]; i++) {
            if (Py.equal(list.get(i), value)) {
                if (name.equals("index")) {
                    return (long) i;
                }
                matches++;
            }
        }
        if (name.equals("index")) {
            throw new TemplateException(Py.repr(value) + " is not in list");
        }
        return matches;
    }

    /** An optional int parameter, where None means absent as in Python's slice-like arguments. */
    static Long optionalLong(Arguments.Bound a, int index) {
        Object v = a.get(index, null);
        return v == null ? null : Py.toLong(v, a.params()[index]);
    }
}
