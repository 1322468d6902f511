package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * One-token arithmetic for chunks of 32 values stored as 16 bytes, element j in the low nibble of byte j and element
 * j+16 in its high nibble (Q4_0, IQ4_NL, IQ4_XS). Each half of a chunk is 16 levels, looked up in a 16-entry table
 * as llama.cpp looks them up ({@code _mm_shuffle_epi8}, here a rearrange); read as 16-bit lanes, a half splits into
 * its even and odd elements, and adjacent pair sums give four of the AVX2 kernel's eight lanes: lanes 0-3 from the
 * low half, 4-7 from the high half. The vectors are 128 bits wide on every CPU, so the lanes, and the bits, never
 * change.
 */
final class SplitNibbles {

    static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    static final VectorSpecies<Float> HALF = FloatVector.SPECIES_128;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_128;

    /** Q4_0's levels: nibble q stands for q − 8. */
    static final byte[] Q4_0_LEVELS = {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7};
    /** IQ4_NL's and IQ4_XS's levels (ggml's kvalues_iq4nl). */
    static final byte[] IQ4_LEVELS = new byte[16];

    static {
        for (int i = 0; i < 16; i++) {
            IQ4_LEVELS[i] = (byte) Block32DotMatrix.IQ4_LEVELS[i];
        }
    }

    private SplitNibbles() {
    }

    /** The 16 stored bytes of a chunk at {@code at}. */
    static ByteVector load(MemorySegment data, long at) {
        return ByteVector.fromMemorySegment(BYTES, data, at, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Levels of elements 16h..16h+15 of the chunk: its low nibbles for h = 0, high ones for h = 1. (A rearrange, not
     * {@code selectFrom}: that ran 20 times slower.)
     */
    static ByteVector half(ByteVector stored, ByteVector table, int h) {
        return table.rearrange(stored.lanewise(VectorOperators.LSHR, 4 * h).and((byte) 0xF).toShuffle());
    }

    /**
     * AVX2 lanes 4h..4h+3 of one chunk half's products with the single token's paired levels
     * ({@link Q8Activations#pairedLevels}, the chunk starting at {@code x0}): the half's even elements sit at
     * {@code x0 + 8h}, its odd ones 16 further. A level times an activation is at most 128·128, so a pair fits in
     * 16 bits.
     */
    static IntVector lanes(ByteVector levels, short[] paired, int x0, int h) {
        ShortVector v = levels.reinterpretAsShorts();
        ShortVector even = v.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8);
        ShortVector odd = v.lanewise(VectorOperators.ASHR, 8);
        int xe = x0 + 8 * h;
        ShortVector pairs = even.mul(ShortVector.fromArray(SHORTS, paired, xe))
                .add(odd.mul(ShortVector.fromArray(SHORTS, paired, xe + 16)));
        return LaneOrder.adjacentPairSums(pairs);
    }

    /** ggml's {@code hsum_float_8} of the eight lanes held as lanes 0-3 ({@code low}) and 4-7 ({@code high}). */
    static float sum(FloatVector low, FloatVector high) {
        FloatVector v = low.add(high);
        return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
    }

    static FloatVector toFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }
}
