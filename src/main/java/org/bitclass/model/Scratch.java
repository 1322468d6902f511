package org.bitclass.model;

import java.util.Arrays;

/**
 * The float buffers of a model's forward pass, kept from call to call. A pass asks for its buffers in the same
 * order every time, and the i-th request gets the i-th buffer, grown to the largest size asked so far; so a pass
 * allocates nothing the size of its batch once the model has seen a batch as large. One pass at a time uses them.
 */
final class Scratch {

    private float[][] buffers = new float[0][];
    private int next;

    /** Starts a pass: its first request gets the first buffer again. */
    Scratch begin() {
        next = 0;
        return this;
    }

    /** The pass's next buffer of at least {@code n} floats, the first {@code n} zeroed as a new array's are. */
    float[] floats(int n) {
        if (next == buffers.length) {
            buffers = Arrays.copyOf(buffers, next + 1);
            buffers[next] = new float[0];
        }
        if (buffers[next].length < n) {
            buffers[next] = new float[n];
        } else {
            Arrays.fill(buffers[next], 0, n, 0f);
        }
        return buffers[next++];
    }
}
