package org.bitclass.model.kernel;

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
    /** One in lanes 4-7: selects the upper half with plain arithmetic (a masked blend is not intrinsic everywhere). */
    private static final FloatVector HIGH_LANES =
            FloatVector.fromArray(FloatVector.SPECIES_256, new float[] {0, 0, 0, 0, 1, 1, 1, 1}, 0);

    private ChunkDecoder() {
    }

    /** Signed bytes at {@code at} (Q8_0). */
    static void signedBytes(MemorySegment data, long at, float[] dst, int off) {
        IntVector bytes = IntVector.fromMemorySegment(I, data, at, ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 4; k++) {
            store(bytes.lanewise(VectorOperators.LSHL, 24 - 8 * k).lanewise(VectorOperators.ASHR, 24), dst, off + 8 * k);
        }
    }

    /**
     * Unsigned fields times a scale: for each byte k,
     * {@code (((low >>> (8k + lowShift)) & lowMask) | ((high >>> (8k + highShift)) & highMask) << highAt) · scale},
     * where {@code low} and {@code high} are the 32 bytes at {@code lowAt} and {@code highAt} ({@code highAt < 0}:
     * no high bits) and the scale is {@code scaleLow} in lanes 0-3, {@code scaleHigh} in lanes 4-7. Vectors stay
     * inside this method, so the JIT need not materialize them between calls.
     */
    static void fields(MemorySegment data, long lowAt, int lowShift, int lowMask, long highAt, int highShift,
                       int highMask, int highPos, int scaleLow, int scaleHigh, float[] dst, int off) {
        IntVector low = IntVector.fromMemorySegment(I, data, lowAt, ByteOrder.LITTLE_ENDIAN);
        IntVector high = highAt >= 0 ? IntVector.fromMemorySegment(I, data, highAt, ByteOrder.LITTLE_ENDIAN) : null;
        // levels and scales are small integers: the float products are exact, and cheaper than integer ones
        FloatVector scale = HIGH_LANES.mul(scaleHigh - scaleLow).add(scaleLow);
        for (int k = 0; k < 4; k++) {
            IntVector v = low.lanewise(VectorOperators.LSHR, 8 * k + lowShift).and(lowMask);
            if (high != null) {
                v = v.or(high.lanewise(VectorOperators.LSHR, 8 * k + highShift).and(highMask)
                        .lanewise(VectorOperators.LSHL, highPos));
            }
            ((FloatVector) v.convert(VectorOperators.I2F, 0)).mul(scale).intoArray(dst, off + 8 * k);
        }
    }

    private static void store(IntVector v, float[] dst, int off) {
        ((FloatVector) v.convert(VectorOperators.I2F, 0)).intoArray(dst, off);
    }
}
