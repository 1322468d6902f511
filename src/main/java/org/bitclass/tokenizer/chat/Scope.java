package org.bitclass.tokenizer.chat;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables of one template frame. Loop iterations, macro calls and scoped blocks get a child scope: they read
 * through to their parent but their assignments stay local, as in jinja2.
 */
final class Scope {

    private final Scope parent;
    private final Map<String, Object> variables = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Scope child() {
        return new Scope(this);
    }

    /** The variable's value, or undefined when no enclosing scope has it. */
    Object get(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.variables.containsKey(name)) {
                return s.variables.get(name);
            }
        }
        return Undefined.name(name);
    }

    void set(String name, Object value) {
        variables.put(name, value);
    }
}
