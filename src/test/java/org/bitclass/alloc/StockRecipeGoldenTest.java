package org.bitclass.alloc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.QuantizableTensors;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our stock recipes against {@code llama-quantize --dry-run} (no imatrix) on the golden recipe files: every
 * tensor's type, the visiting order, and the quant size and bits per weight llama-quantize printed.
 */
class StockRecipeGoldenTest {

    /** One golden file: the file type, the tensors in llama-quantize's order with its types, and its totals. */
    record Golden(String model, FileType fileType, Map<String, GgmlType> types, List<TensorInfo> tensors,
                  double quantSizeMib, double bpw) {

        static Golden read(Path file) throws IOException {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            Map<String, GgmlType> types = new LinkedHashMap<>();
            List<TensorInfo> tensors = new ArrayList<>();
            for (JsonNode t : root.get("tensors")) {
                String name = t.get("name").asText();
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                }
                types.put(name, GgmlType.byName(t.get("type").asText()).orElseThrow());
                // the golden models are F32; the shapes keep the dry run's trailing 1s ([256, 1] for a vector)
                tensors.add(new TensorInfo(name, shape, GgmlType.F32, 0));
            }
            return new Golden(root.get("model").asText(), FileType.parse(root.get("ftype").asText()).orElseThrow(),
                    types, tensors, root.get("quant_size_mib").asDouble(), root.get("bpw").asDouble());
        }
    }

    static Stream<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(SharedData.path("golden/recipes"))) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(list).hasSizeGreaterThanOrEqualTo(28);
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void everyTensorGetsLlamaQuantizesTypeAndTheTotalsMatch(Path file) throws IOException {
        Golden golden = Golden.read(file);
        // the JSON is in llama.cpp's visiting order; feed it reversed so that our plan has to restore that order
        RecipePlan plan = new StockRecipe(golden.fileType(), RecipeOptions.DEFAULT)
                .plan(golden.tensors().reversed(), hparamsFromShapes(golden.model(), golden.tensors()));

        assertThat(plan.types()).containsExactlyEntriesOf(golden.types());
        // the dry run's "quant size = %.2f MiB (%.2f BPW)": every tensor, quantized or kept, over all elements
        assertThat(String.format(Locale.ROOT, "%.2f", plan.bytes() / 1048576.0))
                .isEqualTo(String.format(Locale.ROOT, "%.2f", golden.quantSizeMib()));
        assertThat(String.format(Locale.ROOT, "%.2f", plan.bpw()))
                .isEqualTo(String.format(Locale.ROOT, "%.2f", golden.bpw()));
        assertThat(plan.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void theMinimaFileItselfGivesTheSamePlan(Path file) throws IOException {
        Golden golden = Golden.read(file);
        if (!golden.model().equals("minima-qwen3")) {
            return;
        }
        try (GgufModel model = GgufModel.open(SharedData.path("models/minima-qwen3-f32.gguf"))) {
            RecipeHparams fromFile = RecipeHparams.read(model.metadata());
            assertThat(hparamsFromShapes(golden.model(), golden.tensors())).isEqualTo(fromFile);
            RecipePlan plan = new StockRecipe(golden.fileType(), RecipeOptions.DEFAULT).plan(model);
            assertThat(plan.types()).containsExactlyEntriesOf(golden.types());
        }
    }

    /**
     * The hyperparameters the recipes read, recovered from names and shapes (qwen35-shape4b exists only as
     * shapes): layers from the highest block number; the head width from attn_k_norm (one norm per head, so
     * its length is the head dimension); query heads from attn_output's input width (the gated q projection of
     * qwen35 is twice as wide, so not attn_q) and key/value heads from attn_k's output width. Both golden
     * layouts come out at 4 heads over 2 key/value heads (n_gqa 2, below the recipes' threshold of 4), no experts.
     */
    static RecipeHparams hparamsFromShapes(String model, List<TensorInfo> tensors) {
        String arch = model.startsWith("qwen35") ? "qwen35" : "qwen3";
        int nLayer = 1 + tensors.stream().mapToInt(t -> QuantizableTensors.layerOf(t.name())).max().orElseThrow();
        long headDim = shapeOf(tensors, ".attn_k_norm.weight")[0];
        int nHead = (int) (shapeOf(tensors, ".attn_output.weight")[0] / headDim);
        int nHeadKv = (int) (shapeOf(tensors, ".attn_k.weight")[1] / headDim);
        return new RecipeHparams(arch, nLayer, nHead, nHeadKv, 0);
    }

    private static long[] shapeOf(List<TensorInfo> tensors, String suffix) {
        return tensors.stream().filter(t -> t.name().endsWith(suffix)).findFirst().orElseThrow().shape();
    }
}
