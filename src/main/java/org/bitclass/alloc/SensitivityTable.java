package org.bitclass.alloc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every tensor's measured and Hessian sensitivity for one model, imatrix and calibration text: the allocator's
 * cache, reusable across budgets and runs. {@code key} names those inputs; a table whose key differs is stale.
 *
 * @param spearman the rank correlation between the Hessian figure and the measured KLD over the tensors
 */
public record SensitivityTable(String schema, String key, String model, String imatrix, String calibration,
                               int chunks, int contextSize, long scoredTokens, double spearman,
                               List<TensorProbe> tensors) {

    public static final String SCHEMA = "bitclass.allocation-sensitivity/1";

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public SensitivityTable {
        tensors = List.copyOf(tensors);
    }

    public Map<String, TensorProbe> byName() {
        return tensors.stream().collect(Collectors.toMap(TensorProbe::name, Function.identity()));
    }

    public void write(Path path) throws IOException {
        OutputFile.write(path, temp -> JSON.writeValue(temp.toFile(), this));
    }

    public static SensitivityTable read(Path path) throws IOException {
        SensitivityTable t = JSON.readValue(path.toFile(), SensitivityTable.class);
        if (!SCHEMA.equals(t.schema())) {
            throw new IOException(path + " is not an allocation sensitivity table (schema " + t.schema() + ")");
        }
        return t;
    }

    /** The table stored at {@code path} when it exists and was made from the inputs {@code key} names. */
    public static Optional<SensitivityTable> readIfCurrent(Path path, String key) throws IOException {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        SensitivityTable t = read(path);
        return key.equals(t.key()) ? Optional.of(t) : Optional.empty();
    }
}
