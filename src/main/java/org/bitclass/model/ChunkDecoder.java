package org.bitclass.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Vector decoding of 32 stored bytes into one chunk of levels in {@link LaneOrder} layout. Read as 8 little-endian
 * ints, lane g holds bytes 4g..4g+3, so byte k of every lane is element 4g+k: shifting each lane by 8k and masking
 * yields vector k of the chunk directly.
 */
final class ChunkDecoder {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

    private ChunkDecoder() {
    }

    static IntVector load(MemorySegment data, long offset) {
        return IntVector.fromMemorySegment(I, data, offset, ByteOrder.LITTLE_ENDIAN);
    }

    /** Signed bytes (Q8_0). */
    static void signedBytes(IntVector bytes, float[] dst, int off) {
        for (int k = 0; k < 4; k++) {
            store(bytes.lanewise(VectorOperators.LSHL, 24 - 8 * k).lanewise(VectorOperators.ASHR, 24), dst, off + 8 * k);
        }
    }

    /**
     * Unsigned fields: {@code ((low >>> (8k + lowShift)) & lowMask) | ((high >>> (8k + highShift)) & highMask) << highAt}
     * for each byte k; {@code high} may be null for levels without high bits.
     */
    static void fields(IntVector low, int lowShift, int lowMask, IntVector high, int highShift, int highMask, int highAt,
                       float[] dst, int off) {
        for (int k = 0; k < 4; k++) {
            IntVector v = low.lanewise(VectorOperators.LSHR, 8 * k + lowShift).and(lowMask);
            if (high != null) {
                v = v.or(high.lanewise(VectorOperators.LSHR, 8 * k + highShift).and(highMask)
                        .lanewise(VectorOperators.LSHL, highAt));
            }
            store(v, dst, off + 8 * k);
        }
    }

    private static void store(IntVector v, float[] dst, int off) {
        ((FloatVector) v.convert(VectorOperators.I2F, 0)).intoArray(dst, off);
    }
}
