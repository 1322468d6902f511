package org.bitclass.model;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.model.kernel.QuantizedBatches;
import org.bitclass.model.kernel.WeightMatrix;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Looks up a model's tensors by name with their expected shapes: weight matrices stay mapped, small F32 tensors
 * (norms, biases, convolution taps) are copied to the heap. Errors name the tensor and both shapes.
 */
final class ModelTensors {

    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgufModel gguf;
    private final QuantizedBatches batches;

    ModelTensors(GgufModel gguf, QuantizedBatches batches) {
        this.gguf = gguf;
        this.batches = batches;
    }

    boolean has(String name) {
        return gguf.find(name).isPresent();
    }

    /** {@code <base>.weight} of shape {@code [cols, rows]} with its optional {@code <base>.bias}. */
    Linear linear(String base, int cols, int rows) {
        float[] bias = optionalFloats(base + ".bias");
        if (bias != null && bias.length != rows) {
            throw new IllegalArgumentException(base + ".bias has " + bias.length + " values, expected " + rows);
        }
        return new Linear(matrix(base + ".weight", cols, rows), bias);
    }

    WeightMatrix matrix(String name, int cols, int rows) {
        TensorInfo t = tensor(name);
        checkShape(t, cols, rows);
        return WeightMatrix.of(t, gguf.data(t), batches);
    }

    /** An F32 vector of {@code n} values. */
    float[] vector(String name, int n) {
        return floats(name, n, 1);
    }

    /** An F32 tensor of shape {@code [cols, rows]}, row-major. */
    float[] floats(String name, int cols, int rows) {
        TensorInfo t = tensor(name);
        checkShape(t, cols, rows);
        return read(t);
    }

    /** An F32 tensor of any shape, or null if there is none of that name. */
    float[] optionalFloats(String name) {
        Optional<TensorInfo> t = gguf.find(name);
        return t.isPresent() ? read(t.get()) : null;
    }

    private TensorInfo tensor(String name) {
        return gguf.find(name).orElseThrow(() ->
                new IllegalArgumentException(gguf.path() + ": no tensor named '" + name + "'"));
    }

    private float[] read(TensorInfo t) {
        if (t.type() != GgmlType.F32) {
            throw new UnsupportedOperationException(t.name() + " has type " + t.type() + ", expected F32");
        }
        return gguf.data(t).toArray(FLOAT_LE);
    }

    private static void checkShape(TensorInfo t, int cols, int rows) {
        if (t.rowLength() != cols || t.rows() != rows) {
            throw new IllegalArgumentException(t.name() + " has shape " + t.shapeString() + ", expected ["
                    + cols + (rows == 1 ? "" : ", " + rows) + "]");
        }
    }
}
