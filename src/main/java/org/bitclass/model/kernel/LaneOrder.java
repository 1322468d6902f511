package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
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
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;
    static final int LANES = 8;
    static final int CHUNK = 32;

    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(S, i -> i ^ 4);
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(S, i -> i ^ 2);
    private static final VectorShuffle<Float> SWAP_NEIGHBOURS = VectorShuffle.fromOp(S, i -> i ^ 1);

    private LaneOrder() {
    }

    /**
     * Lane j of the result is {@code v[2j] + v[2j+1]}, as 32-bit integers: the 16-bit lanes read as 32-bit ones,
     * each half sign-extended. (Converting part 1 of a short vector to ints runs about twice as slow.) For a
     * 32-value chunk whose 16-bit lane i holds elements 2i and 2i+1, lane j is AVX2 lane j: elements 4j..4j+3.
     */
    static IntVector adjacentPairSums(ShortVector v) {
        IntVector both = v.reinterpretAsInts();
        return both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(both.lanewise(VectorOperators.ASHR, 16));
    }

    /**
     * The AVX2 lanes of one 32-value chunk times one token: 16-bit lane i of {@code v} holds signed levels of
     * elements 2i (low byte) and 2i+1 (high byte), {@code paired} the token's levels of the even elements from
     * {@code x0} and of the odd ones from {@code x0 + 16} ({@link Q8Activations#pairedLevels}). Two products of at
     * most 128·128 fit in 16 bits.
     */
    static IntVector chunkLanes(ShortVector v, short[] paired, int x0) {
        ShortVector even = v.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8);
        ShortVector odd = v.lanewise(VectorOperators.ASHR, 8);
        return adjacentPairSums(even.mul(ShortVector.fromArray(SHORTS, paired, x0))
                .add(odd.mul(ShortVector.fromArray(SHORTS, paired, x0 + 16))));
    }

    /** Where element {@code e} (0..31) of a chunk is stored within the chunk. */
    static int position(int e) {
        return (e & 3) * LANES + (e >> 2);
    }

    /**
     * Lane sums of four weight rows times two tokens over {@code len} values (a multiple of 32): pair (r, k) goes to
     * {@code sums[(2r + k)·8 ..]}. Rows start at {@code wOff + r·wStride}, tokens at {@code xOff + k·xStride}.
     * Each weight vector is loaded once for both tokens and each activation vector once for all four rows, so the
     * eight multiply-add chains, not the loads, bound the speed. Every partial sum is an integer, so the order of
     * the additions does not change a lane's result while its sum stays below 2^24 (see each type for its bound).
     */
    static void fourByTwo(float[] w, int wOff, int wStride, float[] x, int xOff, int xStride, int len, float[] sums) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int w1 = wOff + wStride, w2 = w1 + wStride, w3 = w2 + wStride;
        int x1 = xOff + xStride;
        for (int i = 0; i < len; i += LANES) {
            FloatVector v0 = FloatVector.fromArray(S, x, xOff + i);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            FloatVector r0 = FloatVector.fromArray(S, w, wOff + i);
            a00 = r0.fma(v0, a00);
            a01 = r0.fma(v1, a01);
            FloatVector r1 = FloatVector.fromArray(S, w, w1 + i);
            a10 = r1.fma(v0, a10);
            a11 = r1.fma(v1, a11);
            FloatVector r2 = FloatVector.fromArray(S, w, w2 + i);
            a20 = r2.fma(v0, a20);
            a21 = r2.fma(v1, a21);
            FloatVector r3 = FloatVector.fromArray(S, w, w3 + i);
            a30 = r3.fma(v0, a30);
            a31 = r3.fma(v1, a31);
        }
        a00.intoArray(sums, 0);
        a01.intoArray(sums, 8);
        a10.intoArray(sums, 16);
        a11.intoArray(sums, 24);
        a20.intoArray(sums, 32);
        a21.intoArray(sums, 40);
        a30.intoArray(sums, 48);
        a31.intoArray(sums, 56);
    }

    /** As {@link #fourByTwo} for one token: pair (r, 0) goes to {@code sums[2r·8 ..]}. */
    static void fourByOne(float[] w, int wOff, int wStride, float[] x, int xOff, int len, float[] sums) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int w1 = wOff + wStride, w2 = w1 + wStride, w3 = w2 + wStride;
        for (int i = 0; i < len; i += LANES) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            a0 = FloatVector.fromArray(S, w, wOff + i).fma(v, a0);
            a1 = FloatVector.fromArray(S, w, w1 + i).fma(v, a1);
            a2 = FloatVector.fromArray(S, w, w2 + i).fma(v, a2);
            a3 = FloatVector.fromArray(S, w, w3 + i).fma(v, a3);
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, 16);
        a2.intoArray(sums, 32);
        a3.intoArray(sums, 48);
    }

    /** Lane 2j holds {@code v[2j] + v[2j+1]} (odd lanes hold the same sums). */
    static FloatVector neighbourSums(FloatVector v) {
        return v.add(v.rearrange(SWAP_NEIGHBOURS));
    }

    /** {@code (v0 + v2) + (v4 + v6)}. */
    static float evenLanesSum(FloatVector v) {
        v = v.add(v.rearrange(SWAP_PAIRS));
        return v.add(v.rearrange(SWAP_HALVES)).lane(0);
    }

    /** As {@link #sum(FloatVector)}, of eight lanes stored in {@code l}: no vector crosses the call. */
    static float sum(float[] l) {
        return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
    }

    /** ggml's {@code hsum_float_8}: ((v0+v4) + (v2+v6)) + ((v1+v5) + (v3+v7)). */
    static float sum(FloatVector v) {
        v = v.add(v.rearrange(SWAP_HALVES));
        v = v.add(v.rearrange(SWAP_PAIRS));
        v = v.add(v.rearrange(SWAP_NEIGHBOURS));
        return v.lane(0);
    }
}
