package org.bitclass.tokenizer.chat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Positional and keyword arguments of a call, and Python-style binding of them to named parameters. */
record Arguments(List<Object> positional, Map<String, Object> keywords) {

    static final Arguments NONE = new Arguments(List.of(), Map.of());

    /** Marks a parameter the call did not give. */
    private static final Object MISSING = new Object();

    Object get(int index) {
        return positional.get(index);
    }

    int size() {
        return positional.size();
    }

    /** These arguments without the first {@code n} positional ones. */
    Arguments dropFirst(int n) {
        return new Arguments(positional.subList(Math.min(n, positional.size()), positional.size()), keywords);
    }

    /** Binds to {@code params} like a Python signature without *args/**kwargs; {@code what} names the callee. */
    Bound bind(String what, String... params) {
        if (positional.size() > params.length) {
            throw new TemplateException(what + "() takes at most " + params.length + " argument(s), "
                    + positional.size() + " given");
        }
        Object[] values = new Object[params.length];
        Arrays.fill(values, MISSING);
        for (int i = 0; i < positional.size(); i++) {
            values[i] = positional.get(i);
        }
        keywords.forEach((name, value) -> {
            int at = Arrays.asList(params).indexOf(name);
            if (at < 0) {
                throw new TemplateException(what + "() got an unexpected keyword argument '" + name + "'");
            }
            if (values[at] != MISSING) {
                throw new TemplateException(what + "() got multiple values for argument '" + name + "'");
            }
            values[at] = value;
        });
        return new Bound(what, params, values);
    }

    /** Arguments bound to parameters; absent ones take the default the caller passes to {@link #get}. */
    record Bound(String what, String[] params, Object[] values) {

        Object get(int index, Object fallback) {
            return values[index] == MISSING ? fallback : values[index];
        }

        boolean has(int index) {
            return values[index] != MISSING;
        }

        /** A parameter without a default. */
        Object required(int index) {
            if (!has(index)) {
                throw new TemplateException(what + "() missing required argument '" + params[index] + "'");
            }
            return values[index];
        }
    }
}
