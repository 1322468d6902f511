package org.bitclass.tokenizer;

import java.util.Arrays;

/**
 * A binary min-heap of merge candidates without object allocation: each entry is an ordering key (priority in
 * the high 32 bits, left symbol index in the low 32, so ties go to the leftmost) and an int payload.
 */
final class MergeQueue {

    private long[] keys = new long[64];
    private int[] payloads = new int[64];
    private int size;

    /** The key that orders by priority ascending, then by left symbol ascending. */
    static long key(int priority, int left) {
        return ((long) priority << 32) | (left & 0xFFFFFFFFL);
    }

    /** A priority that puts higher scores first (llama.cpp compares scores with {@code <}, so -0 equals 0). */
    static int descendingScore(float score) {
        int bits = Float.floatToIntBits(score == 0f ? 0f : score);
        int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ~ascending;
    }

    static int left(long key) {
        return (int) key;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(long key, int payload) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            payloads = Arrays.copyOf(payloads, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[i] = keys[parent];
            payloads[i] = payloads[parent];
            i = parent;
        }
        keys[i] = key;
        payloads[i] = payload;
    }

    /** The smallest key; read it (and {@link #peekPayload}) before {@link #pop}. */
    long peekKey() {
        return keys[0];
    }

    int peekPayload() {
        return payloads[0];
    }

    void pop() {
        long key = keys[--size];
        int payload = payloads[size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && keys[child + 1] < keys[child]) {
                child++;
            }
            if (key <= keys[child]) {
                break;
            }
            keys[i] = keys[child];
            payloads[i] = payloads[child];
            i = child;
        }
        keys[i] = key;
        payloads[i] = payload;
    }
}
