package org.bitclass.alloc;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.QuantizableTensors;
import org.bitclass.testutil.GoldenRecipe;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our stock recipes against {@code llama-quantize --dry-run} (no imatrix) on the golden recipe files: every
 * tensor's type, the visiting order, and the quant size and bits per weight llama-quantize printed.
 */
class StockRecipeGoldenTest {

    static Stream<String> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(SharedData.path("golden/recipes"))) {
            List<String> list = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
            assertThat(list).hasSizeGreaterThanOrEqualTo(28);
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void everyTensorGetsLlamaQuantizesTypeAndTheTotalsMatch(String file) throws IOException {
        GoldenRecipe golden = GoldenRecipe.read(SharedData.path("golden/recipes/" + file));
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
    void theMinimaFileItselfGivesTheSamePlan(String file) throws IOException {
        GoldenRecipe golden = GoldenRecipe.read(SharedData.path("golden/recipes/" + file));
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
