package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The error model: for one tensor and every candidate type whose block divides its rows, the error of really
 * quantizing it as {@code quantize} would (same quantizer, same importance weights), relative to the tensor's
 * weighted energy. Tensors of more than {@link #SAMPLE_ROWS} rows are measured on that many rows spread evenly over
 * the tensor (a deterministic sample: the same rows on every run); docs/allocation.md says how close that comes.
 */
public final class TensorErrors {

    /** Types the allocator may give a weight matrix, smallest first. */
    public static final List<GgmlType> CANDIDATES = List.of(GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.IQ4_XS,
            GgmlType.IQ4_NL, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q5_K,
            GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.BF16, GgmlType.F16);

    /** Rows measured per tensor at most. */
    public static final int SAMPLE_ROWS = 1024;

    private TensorErrors() {
    }

    /** The candidate types valid for rows of {@code rowLength} values. */
    public static List<GgmlType> candidates(long rowLength) {
        return CANDIDATES.stream().filter(t -> rowLength % t.blockSize == 0).toList();
    }

    /**
     * Every candidate of {@code tensor} with its padded bytes and measured error.
     *
     * @param importance the imatrix's importance for the tensor, or null to weigh every column alike
     * @param rows       how many rows to measure at most (all when the tensor has fewer)
     */
    public static List<TypeOption> measure(GgufModel model, TensorInfo tensor, float[] importance, int rows,
                                           int alignment) {
        int cols = Math.toIntExact(tensor.rowLength());
        int[] sample = sampleRows(tensor.rows(), rows);
        float[] x = decodeRows(model, tensor, sample);
        float[][] slices = importanceSlices(tensor, importance, cols);
        float[][] weights = new float[sample.length][];
        for (int i = 0; i < sample.length; i++) {
            weights[i] = slices[(int) (sample[i] / tensor.dim(1))];
        }
        double energy = 0;
        for (int i = 0; i < sample.length; i++) {
            for (int j = 0; j < cols; j++) {
                double v = x[i * cols + j];
                energy += weight(weights[i], j) * v * v;
            }
        }
        List<TypeOption> out = new ArrayList<>();
        for (GgmlType type : candidates(cols)) {
            double error = energy == 0 ? 0 : squaredError(type, x, sample.length, cols, weights) / energy;
            long bytes = padTo(tensor.rows() * type.bytesFor(cols), alignment);
            out.add(new TypeOption(type, bytes, error));
        }
        return out;
    }

    /** The importance-weighted squared error of quantizing {@code x} ({@code [n × cols]}) as {@code type}. */
    private static double squaredError(GgmlType type, float[] x, int n, int cols, float[][] weights) {
        QuantCodec codec = QuantRegistry.codec(type);
        byte[] encoded = new byte[Math.toIntExact(type.bytesFor(cols))];
        MemorySegment segment = MemorySegment.ofArray(encoded);
        float[] decoded = new float[cols];
        double error = 0;
        for (int i = 0; i < n; i++) {
            codec.quantizeRows(x, i * cols, 1, cols, weights[i], encoded, 0);
            codec.dequantize(segment, 0, decoded, 0, cols);
            for (int j = 0; j < cols; j++) {
                double d = x[i * cols + j] - decoded[j];
                error += weight(weights[i], j) * d * d;
            }
        }
        return error;
    }

    private static double weight(float[] w, int j) {
        return w == null ? 1 : w[j];
    }

    /** {@code n} row indices spread evenly over {@code total} rows, or all of them. */
    static int[] sampleRows(long total, int n) {
        int count = (int) Math.min(total, n);
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            rows[i] = Math.toIntExact(total * i / count);
        }
        return rows;
    }

    private static float[] decodeRows(GgufModel model, TensorInfo tensor, int[] rows) {
        int cols = Math.toIntExact(tensor.rowLength());
        QuantCodec source = QuantRegistry.codec(tensor.type());
        MemorySegment data = model.data(tensor);
        long rowBytes = tensor.type().bytesFor(cols);
        float[] x = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            source.dequantize(data, rows[i] * rowBytes, x, i * cols, cols);
        }
        return x;
    }

    /** Per matrix (experts are matrices one after another), its columns' importance; nulls without importance. */
    private static float[][] importanceSlices(TensorInfo tensor, float[] importance, int cols) {
        float[][] slices = new float[Math.toIntExact(Math.max(1, tensor.dim(2)))][];
        for (int m = 0; importance != null && m < slices.length; m++) {
            slices[m] = Arrays.copyOfRange(importance, m * cols, (m + 1) * cols);
        }
        return slices;
    }

    static long padTo(long n, int alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }

    /** The importance {@code quantize} uses for the tensor, or null. */
    public static float[] importance(Imatrix imatrix, TensorInfo tensor) {
        return imatrix == null ? null : imatrix.importanceFor(tensor).orElse(null);
    }
}
