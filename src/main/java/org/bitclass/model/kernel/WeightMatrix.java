package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix of {@code rows} rows of {@code cols} values ({@code ne = [cols, rows]}), left memory-mapped in its
 * GGUF encoding. Each type says how llama.cpp converts the activations before its dot product
 * ({@link #prepareInput}, once per batch) and multiplies a tile of rows with every token of the batch
 * ({@link #multiplyTile}). Float matrices ({@link FloatDotMatrix}) take float dot products; the common quantized
 * types ({@link IntegerDotMatrix}) take integer block dot products with llama.cpp's float combination order.
 */
public abstract class WeightMatrix {

    final String name;
    final GgmlType type;
    final int rows;
    final int cols;
    final MemorySegment data;
    final long rowBytes;

    WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        this.rowBytes = type.bytesFor(cols);
    }

    /** Wraps a 2-D tensor of any supported type, multiplied exactly as llama.cpp multiplies it. */
    public static WeightMatrix of(TensorInfo info, MemorySegment data) {
        return of(info, data, QuantizedBatches.EXACT);
    }

    /** Wraps a 2-D tensor of any supported type, with quantized batches multiplied as {@code batches} says. */
    public static WeightMatrix of(TensorInfo info, MemorySegment data, QuantizedBatches batches) {
        if (info.nDims() > 2) {
            throw new IllegalArgumentException("tensor " + info.name() + " has " + info.nDims() + " dimensions, expected a matrix");
        }
        int cols = Math.toIntExact(info.rowLength());
        int rows = Math.toIntExact(info.rows());
        WeightMatrix exact = switch (info.type()) {
            case F32 -> new F32Matrix(info.name(), rows, cols, data);
            case F16 -> new F16Matrix(info.name(), rows, cols, data);
            case BF16 -> new BF16Matrix(info.name(), rows, cols, data);
            default -> IntegerDotMatrix.supports(info.type())
                    ? IntegerDotMatrix.of(info.name(), info.type(), rows, cols, data)
                    : QuantizedMatrix.of(info.name(), info.type(), rows, cols, data);
        };
        return batches == QuantizedBatches.FLOAT && FloatBatchMatrix.gains(info.type()) ? new FloatBatchMatrix(exact)
                : exact;
    }

    public String name() {
        return name;
    }

    public GgmlType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /**
     * The activations {@code x} ({@code [nTokens × cols]}) converted once per batch to what this type's dot product
     * reads, as llama.cpp converts them to the weight type's {@code vec_dot_type}. {@code previous} is null or an
     * earlier input of the same {@link #inputFormat}, whose arrays the result may take over.
     */
    abstract Object prepareInput(float[] x, int nTokens, Object previous);

    /**
     * The kind of conversion {@link #prepareInput} applies to a batch of {@code nTokens}; matrices of equal kind can
     * share one prepared input.
     */
    abstract Object inputFormat(int nTokens);

    /** Rows per {@link #multiplyTile} call for a batch of {@code nTokens}. */
    int rowTile(int nTokens) {
        return MatMul.ROW_TILE;
    }

    /**
     * {@code out[t·rows + r] = row r · token t} for r in {@code [row, row+count)} (count ≤ {@link #rowTile})
     * and every token of the prepared batch.
     */
    abstract void multiplyTile(int row, int count, Object input, int nTokens, float[] out);

    /** Decodes rows {@code [row, row+count)} into {@code dst[dstOff .. dstOff + count·cols)}. */
    public abstract void decodeRows(int row, int count, float[] dst, int dstOff);


    @Override
    public String toString() {
        return name + " " + type + " [" + cols + ", " + rows + "]";
    }
}
