package org.bitclass.tokenizer.chat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A one-shot Python iterator, as several jinja2 filters return (generators from {@code map}, {@code select}...,
 * {@code list_reverseiterator} from {@code reverse}): always true, no length, and iterating it consumes it.
 */
final class PyIterator implements Iterator<Object> {

    private final String typeName;
    private final Iterator<?> items;

    PyIterator(String typeName, Iterator<?> items) {
        this.typeName = typeName;
        this.items = items;
    }

    static PyIterator generator(List<?> items) {
        return new PyIterator("generator", items.iterator());
    }

    String typeName() {
        return typeName;
    }

    @Override
    public boolean hasNext() {
        return items.hasNext();
    }

    @Override
    public Object next() {
        return items.next();
    }

    /** The items not consumed yet; afterwards the iterator is exhausted. */
    List<Object> drain() {
        List<Object> rest = new ArrayList<>();
        items.forEachRemaining(rest::add);
        return rest;
    }

    @Override
    public String toString() {
        return "<" + typeName + " object>";
    }
}
