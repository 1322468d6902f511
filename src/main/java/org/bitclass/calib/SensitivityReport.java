package org.bitclass.calib;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The sensitivity of a model's tensors, layers and roles, each list most sensitive first; the input of the bit
 * allocator. Its JSON form (snake_case keys, documented in docs/sensitivity.md) is written and read here.
 *
 * @param schema           {@link #SCHEMA}
 * @param model            the model file analysed
 * @param datasets         the calibration texts of the imatrix
 * @param totalSensitivity the sum over all tensors
 */
public record SensitivityReport(String schema, String model, List<String> datasets, int chunkCount, int chunkSize,
                                double totalSensitivity, List<TensorSensitivity> tensors,
                                List<GroupSensitivity> layers, List<GroupSensitivity> roles) {

    /** Names this JSON layout; a reader checks it. */
    public static final String SCHEMA = "bitclass.sensitivity/1";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public SensitivityReport {
        datasets = List.copyOf(datasets);
        tensors = List.copyOf(tensors);
        layers = List.copyOf(layers);
        roles = List.copyOf(roles);
    }

    /** Writes the JSON form through a temporary file, renamed when complete. */
    public void writeJson(Path path) throws IOException {
        OutputFile.write(path, temp -> JSON.writeValue(temp.toFile(), this));
    }

    public static SensitivityReport readJson(Path path) throws IOException {
        SensitivityReport r = JSON.readValue(path.toFile(), SensitivityReport.class);
        if (!SCHEMA.equals(r.schema())) {
            throw new IOException(path + " is not a sensitivity report of schema " + SCHEMA + " (found " + r.schema() + ")");
        }
        return r;
    }

    /** A plain-text ranking: layers, roles, and the {@code topTensors} most sensitive tensors. */
    public String format(int topTensors) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "sensitivity = sum_ij H_jj * w_ij^2, H_jj = mean squared input of column j%n"));
        sb.append(String.format(Locale.ROOT, "total %.6g over %d tensors%n", totalSensitivity, tensors.size()));
        appendGroups(sb, "layer", layers);
        appendGroups(sb, "role", roles);
        sb.append(String.format(Locale.ROOT, "%nmost sensitive tensors%n%-32s %12s %8s %12s %12s %12s %8s%n",
                "tensor", "params", "type", "sum H", "mean H", "sensitivity", "share"));
        for (TensorSensitivity t : tensors.subList(0, Math.min(topTensors, tensors.size()))) {
            sb.append(String.format(Locale.ROOT, "%-32s %12d %8s %12.5g %12.5g %12.5g %7.2f%%%n", t.name(), t.params(),
                    t.type(), t.hTotal(), t.hMean(), t.sensitivity(), 100 * t.share()));
        }
        return sb.toString();
    }

    private static void appendGroups(StringBuilder sb, String what, List<GroupSensitivity> groups) {
        sb.append(String.format(Locale.ROOT, "%nby %s, most sensitive first%n%-16s %8s %12s %12s %12s %12s %12s %8s%n",
                what, what, "tensors", "params", "sum H", "mean H", "sensitivity", "per weight", "share"));
        for (GroupSensitivity g : groups) {
            sb.append(String.format(Locale.ROOT, "%-16s %8d %12d %12.5g %12.5g %12.5g %12.5g %7.2f%%%n", g.key(),
                    g.tensors(), g.params(), g.hTotal(), g.hMean(), g.sensitivity(), g.sensitivityPerWeight(),
                    100 * g.share()));
        }
    }
}
