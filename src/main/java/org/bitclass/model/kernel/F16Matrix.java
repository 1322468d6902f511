package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * F16 weights. llama.cpp converts the activations to F16 before the dot product (F16's vec_dot_type), so
 * {@link #roundInput} does the same. Vectors widen by moving the exponent and mantissa bits into F32 position and
 * rescaling by 2^112, which is exact for normal and subnormal halves; infinities and NaNs are patched separately.
 */
final class F16Matrix extends ElementMatrix {

    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(FloatKernels.LANES * Short.SIZE));
    private static final VectorSpecies<Integer> I = FloatKernels.F.withLanes(int.class);
    private static final float TWO_POW_112 = 0x1p112f;

    F16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.F16, rows, cols, data);
    }

    @Override
    float[] roundInput(float[] x, int n, float[] dst) {
        float[] r = atLeast(dst, n);
        for (int i = 0; i < n; i++) {
            r[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        }
        return r;
    }

    @Override
    Object inputFormat(int nTokens) {
        return GgmlType.F16;
    }

    @Override
    FloatVector load(long byteOffset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, data, byteOffset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(0x7fff);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector moved = magnitude.lanewise(VectorOperators.LSHL, 13);
        // a blend every time, not only when a lane is special: a vector merged across a branch may be boxed
        IntVector scaled = moved.reinterpretAsFloats().mul(TWO_POW_112).reinterpretAsInts()
                .blend(moved.or(0x7f800000), magnitude.compare(VectorOperators.GE, 0x7c00));
        return scaled.or(sign).reinterpretAsFloats();
    }

    @Override
    boolean fourRowsAtOnce() {
        return false;
    }

    @Override
    float get(long byteOffset) {
        return Float.float16ToFloat(data.get(Half.SHORT_LE, byteOffset));
    }
}
