package org.bitclass.eval;

import java.util.Arrays;

/** A growable list of primitive floats (one per scored token). */
final class FloatList {

    private float[] values;
    private int size;

    FloatList(int capacity) {
        values = new float[Math.max(capacity, 16)];
    }

    void add(float v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
