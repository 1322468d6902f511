package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.Q2KCodec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Q2_K times one token, decoded straight from the stored super-blocks. Each half holds 32 bytes of four 2-bit
 * planes; plane p of byte i is element {@code 32p + i} of the half, and each 16 elements have a 4-bit scale and min.
 * A plane's 32 levels come from one byte vector; each eight of them, as the codec's float values
 * ({@code dl·q − ml}), feed one fused multiply-add in column order, so the result has the bits of
 * {@link FloatKernels#dot} over the decoded row, which the batch path takes. The loop calls the JDK's vector methods
 * only: with helpers of our own, C2 reached its node limit, left them out of line and boxed every vector they
 * returned (0.4–0.8 ns per weight, 8 MB of garbage per 1024 × 3072 product).
 */
final class Q2KFloatDotMatrix extends QuantizedMatrix {

    /** The 32 bytes of a half, one byte per element of each plane. */
    private static final VectorSpecies<Byte> PLANE = ByteVector.SPECIES_256;

    Q2KFloatDotMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.Q2_K, rows, cols, data);
    }

    @Override
    void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff) {
        for (int r = 0; r < count; r++) {
            out[outOff + r] = rowTimesToken(row + r, x, xOff);
        }
    }

    private float rowTimesToken(int row, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(FloatKernels.F);
        for (int b = 0; b < cols / 256; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at + Q2KCodec.D_OFFSET));
            float dmin = Float.float16ToFloat(data.get(Half.SHORT_LE, at + Q2KCodec.DMIN_OFFSET));
            for (int half = 0; half < 2; half++) {
                long qs = at + Q2KCodec.QS_OFFSET + 32L * half;
                for (int plane = 0; plane < 4; plane++) {
                    int sub = 8 * half + 2 * plane;
                    int c = xOff + b * 256 + 128 * half + 32 * plane;
                    int sc0 = data.get(ValueLayout.JAVA_BYTE, at + Q2KCodec.SCALES_OFFSET + sub) & 0xFF;
                    int sc1 = data.get(ValueLayout.JAVA_BYTE, at + Q2KCodec.SCALES_OFFSET + sub + 1) & 0xFF;
                    float dl0 = d * (sc0 & 0xF);
                    float ml0 = dmin * (sc0 >> 4);
                    float dl1 = d * (sc1 & 0xF);
                    float ml1 = dmin * (sc1 >> 4);
                    // the plane's 32 levels at once, then dl·q − ml eight at a time; JDK calls only (see the class)
                    ByteVector q = ByteVector.fromMemorySegment(PLANE, data, qs, ByteOrder.LITTLE_ENDIAN)
                            .lanewise(VectorOperators.ASHR, 2 * plane).and((byte) 3);
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 0)).mul(dl0).sub(ml0)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c), acc);
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 1)).mul(dl0).sub(ml0)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c + 8), acc);
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 2)).mul(dl1).sub(ml1)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c + 16), acc);
                    acc = ((FloatVector) q.convert(VectorOperators.B2F, 3)).mul(dl1).sub(ml1)
                            .fma(FloatVector.fromArray(FloatKernels.F, x, c + 24), acc);
                }
            }
        }
        return FloatKernels.sumLanes(acc);
    }
}
