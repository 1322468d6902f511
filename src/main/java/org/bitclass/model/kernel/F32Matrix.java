package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** F32 weights: llama.cpp multiplies them with the activations as they are. */
final class F32Matrix extends ElementMatrix {

    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F32Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.F32, rows, cols, data);
    }

    @Override
    float[] roundInput(float[] x, int n, float[] dst) {
        return x;
    }

    @Override
    Object inputFormat(int nTokens) {
        return GgmlType.F32;
    }

    @Override
    FloatVector load(long byteOffset) {
        return FloatVector.fromMemorySegment(FloatKernels.F, data, byteOffset, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    float get(long byteOffset) {
        return data.get(FLOAT_LE, byteOffset);
    }
}
