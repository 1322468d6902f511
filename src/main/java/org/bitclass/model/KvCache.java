package org.bitclass.model;

/**
 * The F32 key and value cache of one sequence: per layer, {@code capacity} positions of {@code kvDim} values,
 * stored position-major ({@code [capacity × n_head_kv·head_dim]}). Entries past the session's position are stale
 * and get overwritten.
 */
final class KvCache {

    final int capacity;
    final int kvDim;
    final float[][] keys;
    final float[][] values;

    KvCache(int nLayer, int capacity, int kvDim) {
        if ((long) capacity * kvDim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a context of " + capacity + " tokens does not fit one array per layer");
        }
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.keys = new float[nLayer][capacity * kvDim];
        this.values = new float[nLayer][capacity * kvDim];
    }
}
