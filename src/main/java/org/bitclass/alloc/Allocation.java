package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.io.OutputFile;
import org.bitclass.quant.QuantRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recipe the allocator chose: a type for every tensor it placed, with what it predicts, and the file it makes.
 * Written as JSON (docs/allocation.md) and as a {@code --tensor-type-file} that stock llama-quantize turns into the
 * same file.
 *
 * @param fileType      the file type recorded in the output ({@code general.file_type}) and passed to llama-quantize
 * @param budgetBytes   the largest file allowed
 * @param fileBytes     the size of the file the recipe makes, header and metadata included
 * @param bpw           bits per weight as llama-quantize counts them (tensor bytes over all elements)
 * @param predictedKld  the predicted mean KL divergence, {@code Σ slope·error}
 * @param measuredKld   the measured mean KL divergence on the calibration tokens (NaN when not measured)
 * @param stock         the stock recipe compared with, or null
 * @param stockKld      its measured mean KL divergence on the same tokens (NaN when not measured)
 * @param note          what the closed loop decided, when it changed the solver's answer
 */
public record Allocation(String schema, String model, String imatrix, String fileType, long budgetBytes,
                         long fileBytes, double bpw, double predictedKld, double measuredKld, String stock,
                         long stockBytes, double stockKld, String note, List<Entry> tensors) {

    public static final String SCHEMA = "bitclass.allocation/1";

    /**
     * One tensor's choice.
     *
     * @param error relative weighted error of the chosen type
     * @param slope the model's price of that error (predicted KLD per unit error)
     * @param pinned whether a {@code --tensor-type} rule chose it
     */
    public record Entry(String name, String type, long bytes, double error, double slope, boolean pinned) {
    }

    public Allocation {
        tensors = List.copyOf(tensors);
    }

    /** The type of every placed tensor. */
    public Map<String, GgmlType> types() {
        Map<String, GgmlType> out = new LinkedHashMap<>();
        for (Entry e : tensors) {
            out.put(e.name(), GgmlType.byName(e.type()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown type '" + e.type() + "' for " + e.name() + " in the recipe")));
        }
        return out;
    }

    public Allocation withMeasured(double measured, String stockName, long stockFileBytes, double stockMeasured) {
        return new Allocation(schema, model, imatrix, fileType, budgetBytes, fileBytes, bpw, predictedKld, measured,
                stockName, stockFileBytes, stockMeasured, note, tensors);
    }

    public Allocation withNote(String text) {
        return new Allocation(schema, model, imatrix, fileType, budgetBytes, fileBytes, bpw, predictedKld, measuredKld,
                stock, stockBytes, stockKld, text, tensors);
    }

    public void write(Path path) throws IOException {
        OutputFile.write(path, temp -> SensitivityTable.JSON.writeValue(temp.toFile(), this));
    }

    /** Writes the recipe as llama-quantize rules ({@link #tensorTypeFile()}). */
    public void writeTensorTypeFile(Path path) throws IOException {
        OutputFile.write(path, temp -> Files.writeString(temp, tensorTypeFile()));
    }

    public static Allocation read(Path path) throws IOException {
        Allocation a = SensitivityTable.JSON.readValue(path.toFile(), Allocation.class);
        if (!SCHEMA.equals(a.schema())) {
            throw new IOException(path + " is not a BitClass recipe (schema " + a.schema() + ", expected " + SCHEMA + ")");
        }
        return a;
    }

    /**
     * The recipe as llama-quantize's {@code --tensor-type-file}: one {@code REGEX=type} line per tensor, the name
     * anchored and its dots escaped so that each rule matches that tensor alone.
     */
    public String tensorTypeFile() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : tensors) {
            GgmlType type = GgmlType.byName(e.type()).orElseThrow();
            sb.append('^').append(e.name().replace(".", "\\.")).append('$').append('=')
                    .append(QuantRegistry.ggmlName(type)).append('\n');
        }
        return sb.toString();
    }
}
