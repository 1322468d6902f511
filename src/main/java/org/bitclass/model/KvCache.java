package org.bitclass.model;

/**
 * The F32 key and value cache of one sequence. Keys are stored transposed, per layer
 * {@code [n_head_kv·head_dim × capacity]}, so that attention scores for consecutive positions come out of one
 * vector multiply-add per dimension; values are position-major, {@code [capacity × n_head_kv·head_dim]}.
 * Entries past the session's position are stale and get overwritten.
 */
final class KvCache {

    final int capacity;
    final int kvDim;
    /** Per layer: key value {@code i} of position {@code p} at {@code i·capacity + p}. */
    final float[][] keys;
    /** Per layer: value {@code i} of position {@code p} at {@code p·kvDim + i}. */
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

    /** Stores {@code nTok} tokens' keys and values ({@code [T × kvDim]} each) at positions {@code startPos ..}. */
    void store(int layer, float[] k, float[] v, int startPos, int nTok) {
        store(layer, k, v, 0, startPos, nTok);
    }

    /** Stores the keys and values of rows {@code row0 .. row0+nTok} of a batch at positions {@code startPos ..}. */
    void store(int layer, float[] k, float[] v, int row0, int startPos, int nTok) {
        float[] kt = keys[layer];
        for (int t = 0; t < nTok; t++) {
            for (int i = 0; i < kvDim; i++) {
                kt[i * capacity + startPos + t] = k[(row0 + t) * kvDim + i];
            }
        }
        System.arraycopy(v, row0 * kvDim, values[layer], startPos * kvDim, nTok * kvDim);
    }
}
