package org.bitclass.model.synth;

/**
 * A small deterministic generator seeded per (model seed, tensor, row): SplitMix64, with approximately normal
 * values from the sum of four 16-bit uniforms (Irwin-Hall), which is fast and plenty for synthetic weights.
 */
final class RowRandom {

    private static final float SQRT3 = (float) Math.sqrt(3);

    private long state;
    private long bits;
    private int left;

    RowRandom(long seed, int tensor, long row) {
        state = mix(mix(seed ^ 0x9E3779B97F4A7C15L * (tensor + 1)) + row);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private long next() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Mean 0, variance 1. */
    float nextGaussian() {
        long r = next();
        float sum = (r & 0xFFFF) + ((r >>> 16) & 0xFFFF) + ((r >>> 32) & 0xFFFF) + (r >>> 48);
        return (sum / 65536f - 2f) * SQRT3;
    }
}
