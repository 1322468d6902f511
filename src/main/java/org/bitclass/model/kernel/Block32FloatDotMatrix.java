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
 * one fused multiply-add in column order: {@link FloatKernels#dot} over the decoded row, which the batch path takes.
 */
final class Block32FloatDotMatrix extends QuantizedMatrix {

    /** Lane i shifts the fifth-bit word's bit i to bit 0. */
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

    /**
     * Each row decoded block by block into the thread's row of floats, then {@link FloatKernels#dot}. Decoded and
     * multiplied in one loop, the helpers' vectors passed C2's node limit and came back boxed: 30 MB of garbage and
     * 0.8 ns per weight for a 1024 × 3072 product.
     */
    @Override
    void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff) {
        float[] values = OneTokenScratch.ofThread().row(cols);
        for (int r = 0; r < count; r++) {
            long base = (row + r) * rowBytes;
            for (int b = 0; b < cols / 32; b++) {
                if (symmetric) {
                    symmetricBlock(base + (long) b * type.typeSize, values, b * 32);
                } else {
                    affineBlock(base + (long) b * type.typeSize, values, b * 32);
                }
            }
            out[outOff + r] = FloatKernels.dot(values, 0, x, xOff, cols);
        }
    }

    /** Q5_0: {@code (q − 16)·d}, the block at {@code at} into {@code dst[e0 .. e0+32)}. */
    private void symmetricBlock(long at, float[] dst, int e0) {
        float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
        int qh = data.get(INT_LE, at + highOffset);
        for (int k = 0; k < 4; k++) {
            ((FloatVector) levels(at, qh, k).sub(16).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, e0 + 8 * k);
        }
    }

    /** Q4_1 and Q5_1: {@code q·d + m}, the block at {@code at} into {@code dst[e0 .. e0+32)}. */
    private void affineBlock(long at, float[] dst, int e0) {
        float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
        float m = Float.float16ToFloat(data.get(Half.SHORT_LE, at + minOffset));
        int qh = highOffset < 0 ? 0 : data.get(INT_LE, at + highOffset);
        for (int k = 0; k < 4; k++) {
            ((FloatVector) levels(at, qh, k).convert(VectorOperators.I2F, 0)).mul(d).add(m).intoArray(dst, e0 + 8 * k);
        }
    }

    /**
     * Levels of elements 8k..8k+7 of the block at {@code at}: low nibbles of bytes 0-7 (k = 0) and 8-15 (k = 1),
     * then their high nibbles (k = 2, 3), with bits 8k..8k+7 of the fifth-bit word as bit 4.
     */
    private IntVector levels(long at, int qh, int k) {
        IntVector nibbles = eightBytes(at + nibbleOffset + 8 * (k & 1)).lanewise(VectorOperators.ASHR, 4 * (k >> 1))
                .and(0xF);
        return IntVector.broadcast(IntVector.SPECIES_256, qh >>> (8 * k)).lanewise(VectorOperators.LSHR, LANE).and(1)
                .lanewise(VectorOperators.LSHL, 4).or(nibbles);
    }
}
