package org.bitclass.model;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix of {@code rows} rows of {@code cols} values ({@code ne = [cols, rows]}), left memory-mapped in its
 * GGUF encoding. Each type says how llama.cpp rounds the activations before its dot product, how to decode rows
 * into floats (used by batched multiplication), and how to take dot products straight from the mapped bytes
 * (used when decoding a token or two). Both routes give the same bits for a row (see {@link FloatKernels}).
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

    /** Wraps a 2-D tensor of any supported type. */
    public static WeightMatrix of(TensorInfo info, MemorySegment data) {
        if (info.nDims() > 2) {
            throw new IllegalArgumentException("tensor " + info.name() + " has " + info.nDims() + " dimensions, expected a matrix");
        }
        int cols = Math.toIntExact(info.rowLength());
        int rows = Math.toIntExact(info.rows());
        return switch (info.type()) {
            case F32 -> new F32Matrix(info.name(), rows, cols, data);
            case F16 -> new F16Matrix(info.name(), rows, cols, data);
            case BF16 -> new BF16Matrix(info.name(), rows, cols, data);
            default -> new QuantizedMatrix(info.name(), info.type(), rows, cols, data);
        };
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
     * The activations {@code x[0..n)} as llama.cpp feeds them to this type's dot product: converted to the type's
     * partner format and back. Returns {@code x} itself when no rounding happens.
     */
    abstract float[] roundInput(float[] x, int n);

    /** The kind of rounding {@link #roundInput} applies; matrices of equal kind can share one rounded input. */
    abstract Object inputFormat();

    /** Decodes rows {@code [row, row+count)} into {@code dst[dstOff .. dstOff + count·cols)}. */
    abstract void decodeRows(int row, int count, float[] dst, int dstOff);

    /** out[outOff + r - row] = row r · x[xOff..] for r in {@code [row, row+count)}, count ≤ 4, reading the mapped rows. */
    abstract void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff);


    @Override
    public String toString() {
        return name + " " + type + " [" + cols + ", " + rows + "]";
    }
}
