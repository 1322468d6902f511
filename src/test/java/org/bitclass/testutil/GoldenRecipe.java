package org.bitclass.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code golden/recipes/<model>.<FTYPE>.json}: llama-quantize's dry run of a stock recipe, its tensors in
 * llama.cpp's visiting order with the type each got, and the quant size and BPW it printed.
 *
 * @param tensors the tensors as an F32 source holds them (the golden models are F32); shapes keep the dry run's
 *                trailing 1s ([256, 1] for a vector)
 */
public record GoldenRecipe(String model, FileType fileType, Map<String, GgmlType> types, List<TensorInfo> tensors,
                           double quantSizeMib, double bpw) {

    public static GoldenRecipe read(String model, String fileType) {
        return read(SharedData.path("golden/recipes/" + model + "." + fileType + ".json"));
    }

    public static GoldenRecipe read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, GgmlType> types = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (JsonNode t : root.get("tensors")) {
            String name = t.get("name").asText();
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            types.put(name, GgmlType.byName(t.get("type").asText()).orElseThrow());
            tensors.add(new TensorInfo(name, shape, GgmlType.F32, 0));
        }
        return new GoldenRecipe(root.get("model").asText(), FileType.parse(root.get("ftype").asText()).orElseThrow(),
                types, tensors, root.get("quant_size_mib").asDouble(), root.get("bpw").asDouble());
    }
}
