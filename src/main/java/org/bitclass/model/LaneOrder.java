package org.bitclass.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane layout of llama.cpp's x86 AVX2 integer dot products, which the integer kernels reproduce. A block of 32
 * products is summed into 8 lanes, lane {@code g} holding elements {@code 4g .. 4g+3} (maddubs, then madd). Levels
 * are stored permuted within each 32-value chunk so that vector {@code k} (k &lt; 4) holds element {@code 4g+k} in
 * lane {@code g}: four multiply-adds of integer-valued floats then give exactly those lane sums (every partial sum
 * is an integer below 2^24, so float arithmetic is exact).
 */
final class LaneOrder {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int LANES = 8;
    static final int CHUNK = 32;

    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(S, i -> i ^ 4);
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(S, i -> i ^ 2);
    private static final VectorShuffle<Float> SWAP_NEIGHBOURS = VectorShuffle.fromOp(S, i -> i ^ 1);

    private LaneOrder() {
    }

    /** Where element {@code e} (0..31) of a chunk is stored within the chunk. */
    static int position(int e) {
        return (e & 3) * LANES + (e >> 2);
    }

    /** Lane sums of one chunk's products: lane g = Σ_{k&lt;4} w[4g+k]·x[4g+k], exact. */
    static FloatVector chunkDot(float[] w, int wOff, float[] x, int xOff) {
        FloatVector a = FloatVector.fromArray(S, w, wOff).mul(FloatVector.fromArray(S, x, xOff));
        FloatVector b = FloatVector.fromArray(S, w, wOff + 8).mul(FloatVector.fromArray(S, x, xOff + 8));
        a = FloatVector.fromArray(S, w, wOff + 16).fma(FloatVector.fromArray(S, x, xOff + 16), a);
        b = FloatVector.fromArray(S, w, wOff + 24).fma(FloatVector.fromArray(S, x, xOff + 24), b);
        return a.add(b);
    }

    /**
     * Lane sums over {@code chunks} consecutive chunks. Four independent multiply-add chains keep the FMA units
     * busy; every partial sum is an integer, so the grouping does not change the result as long as the lane sums
     * stay below 2^24 (see the k-quant kernels for their bounds).
     */
    static FloatVector chunksDot(float[] w, int wOff, float[] x, int xOff, int chunks) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < chunks * CHUNK; i += CHUNK) {
            a0 = FloatVector.fromArray(S, w, wOff + i).fma(FloatVector.fromArray(S, x, xOff + i), a0);
            a1 = FloatVector.fromArray(S, w, wOff + i + 8).fma(FloatVector.fromArray(S, x, xOff + i + 8), a1);
            a2 = FloatVector.fromArray(S, w, wOff + i + 16).fma(FloatVector.fromArray(S, x, xOff + i + 16), a2);
            a3 = FloatVector.fromArray(S, w, wOff + i + 24).fma(FloatVector.fromArray(S, x, xOff + i + 24), a3);
        }
        return a0.add(a1).add(a2.add(a3));
    }

    static FloatVector broadcast(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** ggml's {@code hsum_float_8}: ((v0+v4) + (v2+v6)) + ((v1+v5) + (v3+v7)). */
    static float sum(FloatVector v) {
        v = v.add(v.rearrange(SWAP_HALVES));
        v = v.add(v.rearrange(SWAP_PAIRS));
        v = v.add(v.rearrange(SWAP_NEIGHBOURS));
        return v.lane(0);
    }
}
