package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;

/**
 * A block-quantized matrix of a type without an integer kernel ({@link IntegerDotMatrix}), multiplied by decoding
 * its rows with the type's codec and taking float dot products with activations rounded as llama.cpp quantizes
 * them ({@link ActivationQuantizer}). This matches llama.cpp's integer block dot products up to float rounding;
 * Q4_1 and Q5_1 differ a little more, because llama.cpp rounds their activation block sums to F16. Types with a
 * subclass take one or two tokens straight from the stored blocks, with the bits of {@link FloatKernels#dot} over
 * the decoded row; the others decode their rows first.
 */
class QuantizedMatrix extends FloatDotMatrix {

    /**
     * Keys of this class's prepared inputs (rounded floats), one per activation format: an integer matrix of the same
     * format in the same product group prepares Q8 blocks instead, so the two must not share a key.
     */
    private static final Map<ActivationQuantizer, Object> ROUNDED_INPUTS = new EnumMap<>(ActivationQuantizer.class);

    static {
        for (ActivationQuantizer a : ActivationQuantizer.values()) {
            ROUNDED_INPUTS.put(a, new Object());
        }
    }

    private final QuantCodec codec;
    private final ActivationQuantizer activations;
    private final ThreadLocal<float[]> rowBuffer;

    /** The matrix of a type without an integer kernel, with its type's direct row products where it has them. */
    static QuantizedMatrix of(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        return switch (type) {
            case Q4_1, Q5_0, Q5_1 -> new Block32FloatDotMatrix(name, type, rows, cols, data);
            case Q2_K -> new Q2KFloatDotMatrix(name, rows, cols, data);
            case Q3_K -> new Q3KFloatDotMatrix(name, rows, cols, data);
            default -> new QuantizedMatrix(name, type, rows, cols, data);
        };
    }

    QuantizedMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
        if (cols % type.blockSize != 0) {
            throw new IllegalArgumentException("tensor " + name + " has rows of " + cols + " values, not a multiple of the "
                    + type + " block of " + type.blockSize);
        }
        this.codec = QuantRegistry.find(type).orElseThrow(() -> new UnsupportedOperationException(
                "tensor " + name + " has type " + type + ", which has no decoder"));
        this.activations = ActivationQuantizer.forWeights(type);
        if (cols % activations.blockSize != 0) {
            throw new IllegalArgumentException("tensor " + name + " has rows of " + cols + " values, not a multiple of "
                    + activations.blockSize + " as its activation format needs");
        }
        this.rowBuffer = ThreadLocal.withInitial(() -> new float[MatMul.ROW_TILE * cols]);
    }

    /** Eight stored bytes from {@code at} on, sign-extended to ints. */
    final IntVector eightBytes(long at) {
        return (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, at, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, IntVector.SPECIES_256, 0);
    }

    @Override
    final float[] roundInput(float[] x, int n, float[] dst) {
        return activations.round(x, n, atLeast(dst, n));
    }

    @Override
    final Object inputFormat(int nTokens) {
        return ROUNDED_INPUTS.get(activations);
    }

    @Override
    public final void decodeRows(int row, int count, float[] dst, int dstOff) {
        codec.dequantize(data, row * rowBytes, dst, dstOff, count * cols);
    }

    @Override
    void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff) {
        float[] w = rowBuffer.get();
        decodeRows(row, count, w, 0);
        for (int r = 0; r < count; r++) {
            out[outOff + r] = FloatKernels.dot(w, r * cols, x, xOff, cols);
        }
    }
}
