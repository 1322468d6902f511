package org.bitclass.tokenizer.chat;

/**
 * jinja2's default {@code Undefined}: renders as an empty string, is false, has length 0 and iterates as empty;
 * anything else (attributes, items, arithmetic, calls, ordering) fails with the hint saying why it is undefined.
 */
final class Undefined {

    private final String hint;

    private Undefined(String hint) {
        this.hint = hint;
    }

    static Undefined withHint(String hint) {
        return new Undefined(hint);
    }

    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    /** A missing attribute or item of {@code object}, worded as jinja2 does. */
    static Undefined member(Object object, Object name) {
        String owner = Py.objectDescription(object);
        return new Undefined(name instanceof String s
                ? "'" + owner + "' has no attribute '" + s + "'"
                : "'" + owner + "' has no element " + Py.repr(name));
    }

    TemplateException error() {
        return new TemplateException(hint);
    }

    @Override
    public String toString() {
        return "";
    }
}
