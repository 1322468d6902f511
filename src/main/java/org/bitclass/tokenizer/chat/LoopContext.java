package org.bitclass.tokenizer.chat;

import java.util.List;

/** The {@code loop} variable inside a for loop, with jinja2's attributes and its cycle/changed helpers. */
final class LoopContext {

    private final List<Object> items;
    private int index0;
    private Object lastChanged;

    LoopContext(List<Object> items) {
        this.items = items;
    }

    void moveTo(int position) {
        index0 = position;
    }

    Object attribute(String name) {
        int length = items.size();
        return switch (name) {
            case "index0" -> (long) index0;
            case "index" -> (long) index0 + 1;
            case "revindex0" -> (long) (length - index0 - 1);
            case "revindex" -> (long) (length - index0);
            case "first" -> index0 == 0;
            case "last" -> index0 == length - 1;
            case "length" -> (long) length;
            case "depth" -> 1L;
            case "depth0" -> 0L;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.withHint("there is no previous item");
            case "nextitem" -> index0 < length - 1 ? items.get(index0 + 1)
                    : Undefined.withHint("there is no next item");
            case "cycle" -> (PyCallable) args -> {
                if (args.size() == 0) {
                    throw new TemplateException("no items for cycling given");
                }
                return args.get(index0 % args.size());
            };
            case "changed" -> (PyCallable) args -> {
                PyTuple value = PyTuple.of(args.positional());
                boolean changed = lastChanged == null || !Py.equal(lastChanged, value);
                lastChanged = value;
                return changed;
            };
            default -> Undefined.member(this, name);
        };
    }

    @Override
    public String toString() {
        return "<LoopContext " + (index0 + 1) + "/" + items.size() + ">";
    }
}
