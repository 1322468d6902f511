package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Chunks of 32 values stored as 16 bytes, element j in the low nibble of byte j and element j+16 in its high nibble
 * (Q4_0, IQ4_NL, IQ4_XS), brought into Q8_0's layout for one-token products ({@link LaneOrder#chunkLanes}): stored
 * 32-bit word g holds elements 4g..4g+3 in its low nibbles and 16+4g..19+4g in its high ones, so the four words,
 * twice over, shifted right by 0 (words 0-3) and by 4 (words 4-7) and masked, are the chunk's nibbles in element
 * order. IQ4 codebook levels are then looked up as llama.cpp looks them up ({@code _mm_shuffle_epi8}, here a
 * rearrange: {@code selectFrom} ran 20 times slower); Q4_0's level is the nibble minus 8.
 */
final class SplitNibbles {

    private static final VectorSpecies<Integer> WORDS = IntVector.SPECIES_128;
    private static final VectorShuffle<Integer> TWICE = VectorShuffle.fromOp(IntVector.SPECIES_256, i -> i & 3);
    private static final IntVector SHIFTS = IntVector.fromArray(IntVector.SPECIES_256,
            new int[] {0, 0, 0, 0, 4, 4, 4, 4}, 0);
    /** ggml's kvalues_iq4nl twice: a shuffle looks up within each 128-bit half. */
    private static final byte[] IQ4_TABLE = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            IQ4_TABLE[i] = (byte) Block32DotMatrix.IQ4_LEVELS[i & 15];
        }
    }

    private SplitNibbles() {
    }

    /** The IQ4 codebook for {@link #levels}. */
    static ByteVector iq4Table() {
        return ByteVector.fromArray(ByteVector.SPECIES_256, IQ4_TABLE, 0);
    }

    /**
     * The 32 signed levels of the chunk whose 16 bytes start at {@code qs}, 16-bit lane i holding elements 2i (low
     * byte) and 2i+1 (high byte): looked up in {@code table}, or Q4_0's nibble − 8 when it is null.
     */
    static ShortVector levels(MemorySegment data, long qs, ByteVector table) {
        IntVector words = (IntVector) IntVector.fromMemorySegment(WORDS, data, qs, ByteOrder.LITTLE_ENDIAN)
                .reinterpretShape(IntVector.SPECIES_256, 0);
        ByteVector nibbles = words.rearrange(TWICE).lanewise(VectorOperators.LSHR, SHIFTS).and(0x0F0F0F0F)
                .reinterpretAsBytes();
        return (table == null ? nibbles.sub((byte) 8) : table.rearrange(nibbles.toShuffle())).reinterpretAsShorts();
    }
}
