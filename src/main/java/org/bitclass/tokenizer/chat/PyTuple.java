package org.bitclass.tokenizer.chat;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;

/** A Python tuple: an immutable sequence that prints as {@code (a, b)} and never equals a list. */
final class PyTuple extends AbstractList<Object> implements RandomAccess {

    private final List<Object> items;

    private PyTuple(List<Object> items) {
        this.items = items;
    }

    /** Tuples may hold None, so this copies into a null-tolerant list. */
    static PyTuple of(List<?> items) {
        return new PyTuple(Collections.unmodifiableList(new ArrayList<>(items)));
    }

    static PyTuple of(Object... items) {
        return of(Arrays.asList(items));
    }

    @Override
    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
