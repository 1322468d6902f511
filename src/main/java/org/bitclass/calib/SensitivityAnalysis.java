package org.bitclass.calib;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hessian-diagonal sensitivity of a model's weight tensors from an importance matrix. For a layer {@code y = W·x}
 * the quantization error {@code E} changes the output by {@code E·x}, whose expected square is
 * {@code Σ_i Σ_jk E_ij E_ik E[x_j x_k]}; keeping the diagonal {@code H_jj = E[x_j²]} (the imatrix's per-column
 * mean) and taking noise proportional to each weight ({@code E_ij² = ε²·w_ij²}) leaves
 * {@code ε² · Σ_ij H_jj · w_ij²}, the tensor's sensitivity. Layers and roles sum their tensors.
 */
public final class SensitivityAnalysis {

    private static final Pattern BLOCK = Pattern.compile("^blk\\.(\\d+)\\.(.+?)(\\.weight)?$");

    private SensitivityAnalysis() {
    }

    /** Analyses every imatrix entry; each must name a 2-D (or, for experts, 3-D) tensor of the model. */
    public static SensitivityReport analyze(GgufModel model, Imatrix imatrix) {
        List<Measured> measured = new ArrayList<>();
        for (String name : imatrix.names()) {
            TensorInfo t = model.find(name).orElseThrow(() -> new IllegalArgumentException(
                    "the imatrix has data for '" + name + "', which is not a tensor of " + model.path()));
            measured.add(measure(model, t, imatrix));
        }
        double total = measured.stream().mapToDouble(Measured::sensitivity).sum();
        List<TensorSensitivity> tensors = new ArrayList<>();
        for (Measured r : measured) {
            TensorInfo t = r.tensor;
            Matcher m = BLOCK.matcher(t.name());
            int layer = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            String role = m.matches() ? m.group(2) : t.name().replaceFirst("\\.weight$", "");
            tensors.add(new TensorSensitivity(t.name(), layer, role, t.type().name(), r.cols, r.rows, r.matrices,
                    t.nElements(), r.tokens, r.columns, r.hTotal, r.columns == 0 ? 0 : r.hTotal / r.columns, r.hMax,
                    r.weightSquares, r.sensitivity, r.sensitivity / t.nElements(), share(r.sensitivity, total)));
        }
        tensors.sort(Comparator.comparingDouble(TensorSensitivity::sensitivity).reversed());
        List<GroupSensitivity> layers = group(tensors.stream().filter(s -> s.layer() >= 0).toList(),
                s -> Integer.toString(s.layer()), total);
        List<GroupSensitivity> roles = group(tensors, TensorSensitivity::role, total);
        return new SensitivityReport(SensitivityReport.SCHEMA, model.path().toString(), imatrix.datasets(),
                imatrix.chunkCount(), imatrix.chunkSize(), total, tensors, layers, roles);
    }

    private record Measured(TensorInfo tensor, int cols, int rows, int matrices, long tokens, long columns,
                            double hTotal, double hMax, double weightSquares, double sensitivity) {
    }

    private static Measured measure(GgufModel model, TensorInfo t, Imatrix imatrix) {
        Imatrix.Entry entry = imatrix.entry(t.name()).orElseThrow();
        float[] mean = imatrix.importance(t.name()).orElseThrow();
        long[] counts = entry.counts();
        int cols = Math.toIntExact(t.rowLength());
        int matrices = t.nDims() == 3 ? Math.toIntExact(t.dim(2)) : 1;
        if (t.nDims() > 3 || t.nDims() < 2 || mean.length != (long) cols * matrices) {
            throw new IllegalArgumentException("the imatrix has " + mean.length + " values for " + t.name()
                    + " of shape " + t.shapeString());
        }
        double[] colSquares = columnSquares(model, t, cols);
        long columns = 0;
        double hTotal = 0;
        double hMax = 0;
        double weightSq = 0;
        double sensitivity = 0;
        for (int m = 0; m < matrices; m++) {
            // one count covers every matrix of a dense tensor (and a legacy entry); experts have one each
            boolean seen = (counts.length == matrices ? counts[m] : counts[0]) > 0;
            for (int j = m * cols; j < (m + 1) * cols; j++) {
                weightSq += colSquares[j];
                if (seen) {
                    hTotal += mean[j];
                    hMax = Math.max(hMax, mean[j]);
                    sensitivity += mean[j] * colSquares[j];
                }
            }
            columns += seen ? cols : 0;
        }
        long tokens = imatrix.isLegacy() ? 0 : Arrays.stream(counts).sum();
        return new Measured(t, cols, Math.toIntExact(t.rows() / matrices), matrices, tokens, columns, hTotal, hMax,
                weightSq, sensitivity);
    }

    /** Per matrix and input column j, {@code Σ_i w_ij²} (matrices one after another, {@code cols} values each). */
    static double[] columnSquares(GgufModel model, TensorInfo t, int cols) {
        QuantCodec codec = QuantRegistry.codec(t.type());
        MemorySegment data = model.data(t);
        long rowBytes = t.type().bytesFor(cols);
        int matrices = t.nDims() == 3 ? Math.toIntExact(t.dim(2)) : 1;
        long rowsPerMatrix = t.rows() / matrices;
        double[] out = new double[cols * matrices];
        float[] row = new float[cols];
        for (long r = 0; r < t.rows(); r++) {
            codec.dequantize(data, r * rowBytes, row, 0, cols);
            int base = (int) (r / rowsPerMatrix) * cols;
            for (int j = 0; j < cols; j++) {
                out[base + j] += (double) row[j] * row[j];
            }
        }
        return out;
    }

    private static List<GroupSensitivity> group(List<TensorSensitivity> tensors, Function<TensorSensitivity, String> key,
                                                double total) {
        Map<String, List<TensorSensitivity>> groups = new LinkedHashMap<>();
        for (TensorSensitivity s : tensors) {
            groups.computeIfAbsent(key.apply(s), k -> new ArrayList<>()).add(s);
        }
        List<GroupSensitivity> out = new ArrayList<>();
        groups.forEach((k, members) -> {
            long params = members.stream().mapToLong(TensorSensitivity::params).sum();
            long columns = members.stream().mapToLong(TensorSensitivity::columns).sum();
            double hTotal = members.stream().mapToDouble(TensorSensitivity::hTotal).sum();
            double sensitivity = members.stream().mapToDouble(TensorSensitivity::sensitivity).sum();
            out.add(new GroupSensitivity(k, members.size(), params, columns, hTotal, columns == 0 ? 0 : hTotal / columns,
                    sensitivity, sensitivity / params, share(sensitivity, total)));
        });
        out.sort(Comparator.comparingDouble(GroupSensitivity::sensitivity).reversed());
        return out;
    }

    private static double share(double part, double total) {
        return total > 0 ? part / total : 0;
    }
}
