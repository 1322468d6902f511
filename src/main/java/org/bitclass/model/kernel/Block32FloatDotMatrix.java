package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Q4_1, Q5_0 and Q5_1 times one token, decoded eight values at a time straight from the stored blocks: a 16-byte
 * block of nibbles holds element j in the low nibble of byte j and element j+16 in its high nibble, a 32-bit word
 * their fifth bits. Each vector holds the codec's float values ({@code (q − 16)·d}, or {@code q·d + m}) and feeds
 * one fused multiply-add in column order, so the result has the bits of {@link FloatKernels#dot} over the decoded
 * row, which the batch path takes.
 */
final class Block32FloatDotMatrix extends QuantizedMatrix {

    /** Lane i shifts the fifth-bit word to bit i (of the eight elements from a multiple of 8 on). */
    private static final IntVector LANE =
            IntVector.fromArray(IntVector.SPECIES_256, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 0);

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final boolean symmetric;
    private final int minOffset;
    private final int highOffset;
    private final int nibbleOffset;

    Block32FloatDotMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
        this.symmetric = type == GgmlType.Q5_0;
        this.minOffset = symmetric ? -1 : 2;
        this.highOffset = switch (type) {
            case Q5_0 -> 2;
            case Q5_1 -> 4;
            default -> -1;
        };
        this.nibbleOffset = switch (type) {
            case Q4_1 -> 4;
            case Q5_0 -> 6;
            default -> 8;
        };
    }

    @Override
    void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff) {
        // one loop per form rather than one with a branch: vectors merged across branches may be boxed
        for (int r = 0; r < count; r++) {
            out[outOff + r] = symmetric ? symmetricRow(row + r, x, xOff) : affineRow(row + r, x, xOff);
        }
    }

    /** Q5_0: {@code (q − 16)·d}. */
    private float symmetricRow(int row, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(FloatKernels.F);
        for (int b = 0; b < cols / 32; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
            int qh = data.get(INT_LE, at + highOffset);
            IntVector first = eightBytes(at + nibbleOffset);
            IntVector second = eightBytes(at + nibbleOffset + 8);
            int c = xOff + b * 32;
            acc = symmetric(first.and(0xF), 0, qh, d).fma(FloatVector.fromArray(FloatKernels.F, x, c), acc);
            acc = symmetric(second.and(0xF), 8, qh, d).fma(FloatVector.fromArray(FloatKernels.F, x, c + 8), acc);
            acc = symmetric(highNibbles(first), 16, qh, d).fma(FloatVector.fromArray(FloatKernels.F, x, c + 16), acc);
            acc = symmetric(highNibbles(second), 24, qh, d).fma(FloatVector.fromArray(FloatKernels.F, x, c + 24), acc);
        }
        return FloatKernels.sumLanes(acc);
    }

    /** Q4_1 and Q5_1: {@code q·d + m}. */
    private float affineRow(int row, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(FloatKernels.F);
        for (int b = 0; b < cols / 32; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
            float m = Float.float16ToFloat(data.get(Half.SHORT_LE, at + minOffset));
            int qh = highOffset < 0 ? 0 : data.get(INT_LE, at + highOffset);
            IntVector first = eightBytes(at + nibbleOffset);
            IntVector second = eightBytes(at + nibbleOffset + 8);
            int c = xOff + b * 32;
            acc = affine(first.and(0xF), 0, qh, d, m).fma(FloatVector.fromArray(FloatKernels.F, x, c), acc);
            acc = affine(second.and(0xF), 8, qh, d, m).fma(FloatVector.fromArray(FloatKernels.F, x, c + 8), acc);
            acc = affine(highNibbles(first), 16, qh, d, m).fma(FloatVector.fromArray(FloatKernels.F, x, c + 16), acc);
            acc = affine(highNibbles(second), 24, qh, d, m).fma(FloatVector.fromArray(FloatKernels.F, x, c + 24), acc);
        }
        return FloatKernels.sumLanes(acc);
    }

    private static IntVector highNibbles(IntVector bytes) {
        return bytes.lanewise(VectorOperators.ASHR, 4).and(0xF);
    }

    /** The values of elements e..e+7 (their nibbles given) of a Q5_0 block, as the codec computes them. */
    private static FloatVector symmetric(IntVector nibbles, int e, int qh, float d) {
        return ((FloatVector) withFifthBits(nibbles, e, qh).sub(16).convert(VectorOperators.I2F, 0)).mul(d);
    }

    /** The values of elements e..e+7 (their nibbles given) of a Q4_1 or Q5_1 block, as the codec computes them. */
    private static FloatVector affine(IntVector nibbles, int e, int qh, float d, float m) {
        return ((FloatVector) withFifthBits(nibbles, e, qh).convert(VectorOperators.I2F, 0)).mul(d).add(m);
    }

    /** Levels of elements e..e+7: their nibbles and bits e..e+7 of the fifth-bit word as bit 4. */
    private static IntVector withFifthBits(IntVector nibbles, int e, int qh) {
        return IntVector.broadcast(IntVector.SPECIES_256, qh).lanewise(VectorOperators.LSHR, LANE.add(e))
                .and(1).lanewise(VectorOperators.LSHL, 4).or(nibbles);
    }
}
