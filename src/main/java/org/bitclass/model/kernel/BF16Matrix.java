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
 * BF16 weights. llama.cpp rounds the activations to BF16 too before the dot product (BF16's vec_dot_type),
 * so {@link #roundInput} does the same; a BF16 value widens to F32 by a 16-bit shift.
 */
final class BF16Matrix extends ElementMatrix {

    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(FloatKernels.LANES * Short.SIZE));
    private static final VectorSpecies<Integer> I = FloatKernels.F.withLanes(int.class);

    BF16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.BF16, rows, cols, data);
    }

    @Override
    float[] roundInput(float[] x, int n, float[] dst) {
        float[] r = atLeast(dst, n);
        for (int i = 0; i < n; i++) {
            r[i] = Half.bf16ToFloat(Half.floatToBf16(x[i]));
        }
        return r;
    }

    @Override
    Object inputFormat(int nTokens) {
        return GgmlType.BF16;
    }

    @Override
    FloatVector load(long byteOffset) {
        ShortVector bits = ShortVector.fromMemorySegment(S, data, byteOffset, ByteOrder.LITTLE_ENDIAN);
        return ((IntVector) bits.convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    @Override
    float get(long byteOffset) {
        return Half.bf16ToFloat(data.get(Half.SHORT_LE, byteOffset));
    }
}
