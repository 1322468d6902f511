package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.KPacking;
import org.bitclass.quant.Q3KCodec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Q3_K times one token, decoded straight from the stored super-blocks. Each half holds 32 bytes of four 2-bit planes
 * (plane p of byte i is element {@code 32p + i} of the half); the third bit of element {@code 32p + i} of half h is
 * bit {@code 4h + p} of mask byte i, and a clear bit subtracts 4. Each 16 elements have a 6-bit signed scale. A
 * plane's 32 levels come from two byte vectors; each eight of them, as the codec's float values
 * ({@code dl·level}), feed one fused multiply-add in column order, so the result has the bits of
 * {@link FloatKernels#dot} over the decoded row, which the batch path takes. The loop calls the JDK's vector methods
 * only: with helpers of our own, C2 reached its node limit, left them out of line and boxed every vector they
 * returned (0.7 ns per weight, 17 MB of garbage per 1024 × 3072 product).
 */
final class Q3KFloatDotMatrix extends QuantizedMatrix {

    /** The 32 bytes of a half, one byte per element of each plane. */
    private static final VectorSpecies<Byte> PLANE = ByteVector.SPECIES_256;

    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    Q3KFloatDotMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.Q3_K, rows, cols, data);
    }

    @Override
    void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff) {
        for (int r = 0; r < count; r++) {
            out[outOff + r] = rowTimesToken(row + r, x, xOff);
        }
    }

    private float rowTimesToken(int row, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(FloatKernels.F);
        int[] scales = new int[16];
        for (int b = 0; b < cols / 256; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at + Q3KCodec.D_OFFSET));
            unpackScales(at + Q3KCodec.SCALES_OFFSET, scales);
            long mask = at + Q3KCodec.HMASK_OFFSET;
            for (int half = 0; half < 2; half++) {
                long qs = at + Q3KCodec.QS_OFFSET + 32L * half;
                for (int plane = 0; plane < 4; plane++) {
                    int sub = 8 * half + 2 * plane;
                    int c = xOff + b * 256 + 128 * half + 32 * plane;
                    // the plane's 32 levels: (q >> 2·plane) & 3, plus 4 where the mask bit is set, minus 4
                    ByteVector q = ByteVector.fromMemorySegment(PLANE, data, qs, ByteOrder.LITTLE_ENDIAN)
                            .lanewise(VectorOperators.ASHR, 2 * plane).and((byte) 3)
                            .add(ByteVector.fromMemorySegment(PLANE, data, mask, ByteOrder.LITTLE_ENDIAN)
                                    .lanewise(VectorOperators.LSHR, 4 * half + plane).and((byte) 1)
                                    .lanewise(VectorOperators.LSHL, 2)).sub((byte) 4);
                    float dl0 = d * scales[sub];
                    float dl1 = d * scales[sub + 1];
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 0)).mul(dl0)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c), acc);
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 1)).mul(dl0)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c + 8), acc);
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 2)).mul(dl1)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c + 16), acc);
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 3)).mul(dl1)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c + 24), acc);
                }
            }
        }
        return FloatKernels.sumLanes(acc);
    }

    /**
     * The 16 signed 6-bit scales of the 12 bytes at {@code at}, as {@link KPacking#signedScale6x16} reads them one
     * by one, from two loads: low nibbles of bytes 0-7 then their high nibbles, 2-bit high parts in bytes 8-11.
     */
    private void unpackScales(long at, int[] dst) {
        long low = data.get(LONG_LE, at);
        int high = data.get(INT_LE, at + 8);
        for (int j = 0; j < 16; j++) {
            int lowBits = (int) (low >>> (8 * (j & 7) + 4 * (j >> 3))) & 0xF;
            int highBits = (high >>> (8 * (j & 3) + 2 * (j >> 2))) & 3;
            dst[j] = (lowBits | highBits << 4) - 32;
        }
    }
}
