package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.TensorTypeOverrides;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bitclass.gguf.GgmlType.BF16;
import static org.bitclass.gguf.GgmlType.F16;
import static org.bitclass.gguf.GgmlType.F32;
import static org.bitclass.gguf.GgmlType.IQ4_NL;
import static org.bitclass.gguf.GgmlType.IQ4_XS;
import static org.bitclass.gguf.GgmlType.Q4_0;
import static org.bitclass.gguf.GgmlType.Q4_1;
import static org.bitclass.gguf.GgmlType.Q4_K;
import static org.bitclass.gguf.GgmlType.Q5_0;
import static org.bitclass.gguf.GgmlType.Q5_1;
import static org.bitclass.gguf.GgmlType.Q5_K;
import static org.bitclass.gguf.GgmlType.Q6_K;
import static org.bitclass.gguf.GgmlType.Q8_0;

/** The recipe rules and llama-quantize's options on small synthetic tensor lists. */
class StockRecipeTest {

    @TempDir
    Path tmp;

    /** A llama-like dense model: n layers of width 256 (ffn 768), 4 heads over 2 kv heads unless said otherwise. */
    private static List<TensorInfo> dense(int nLayer, boolean tiedHead, long embdRow) {
        List<TensorInfo> t = new ArrayList<>();
        t.add(tensor("token_embd.weight", embdRow, 4096));
        t.add(tensor("output_norm.weight", 256));
        if (!tiedHead) {
            t.add(tensor("output.weight", 256, 4096));
        }
        for (int i = 0; i < nLayer; i++) {
            String p = "blk." + i + ".";
            t.add(tensor(p + "attn_norm.weight", 256));
            t.add(tensor(p + "attn_q.weight", 256, 256));
            t.add(tensor(p + "attn_k.weight", 256, 128));
            t.add(tensor(p + "attn_v.weight", 256, 128));
            t.add(tensor(p + "attn_output.weight", 256, 256));
            t.add(tensor(p + "ffn_norm.weight", 256));
            t.add(tensor(p + "ffn_gate.weight", 256, 768));
            t.add(tensor(p + "ffn_up.weight", 256, 768));
            t.add(tensor(p + "ffn_down.weight", 768, 256));
        }
        return t;
    }

    private static TensorInfo tensor(String name, long... shape) {
        return new TensorInfo(name, shape, F32, 0);
    }

    private static final RecipeHparams LLAMA8 = new RecipeHparams("llama", 8, 4, 2, 0);

    private static Map<String, GgmlType> types(FileType ft, RecipeOptions o, List<TensorInfo> tensors, RecipeHparams hp) {
        return new StockRecipe(ft, o).plan(tensors, hp).types();
    }

    private static Map<String, GgmlType> types(FileType ft, RecipeOptions o, List<TensorInfo> tensors) {
        return types(ft, o, tensors, LLAMA8);
    }

    private static RecipeOptions rules(String... specs) {
        return RecipeOptions.DEFAULT.withTensorTypes(TensorTypeOverrides.parse(List.of(specs)));
    }

    @Test
    void theQ4KMMixtureGivesMoreBitsToTheFirstLastAndEveryThirdLayerAndQ6KToTheHead() {
        Map<String, GgmlType> t = types(FileType.Q4_K_M, RecipeOptions.DEFAULT, dense(8, false, 256));
        assertThat(t).containsEntry("output.weight", Q6_K).containsEntry("token_embd.weight", Q4_K)
                .containsEntry("output_norm.weight", F32).containsEntry("blk.3.attn_q.weight", Q4_K);
        // use_more_bits over 8 layers: 0 (first eighth), 3 and 6 (every third), 7 (last eighth)
        for (int i = 0; i < 8; i++) {
            GgmlType expected = i == 0 || i == 3 || i == 6 || i == 7 ? Q6_K : Q4_K;
            assertThat(t).containsEntry("blk." + i + ".attn_v.weight", expected).containsEntry("blk." + i + ".ffn_down.weight", expected);
        }
    }

    @Test
    void pureGivesTheBaseTypeEverywhereButKeepsFallbacksAndTheTypeOptions() {
        Map<String, GgmlType> t = types(FileType.Q4_K_M, RecipeOptions.DEFAULT.withPure(true), dense(8, true, 256));
        assertThat(t).containsEntry("token_embd.weight", Q4_K).containsEntry("blk.0.attn_v.weight", Q4_K)
                .containsEntry("blk.0.ffn_down.weight", Q4_K).containsEntry("blk.0.attn_norm.weight", F32);
        // tied head: --output-tensor-type reaches token_embd only through the mixture, which --pure skips
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT.withPure(true).withOutputType(Q8_0), dense(2, true, 256)))
                .containsEntry("token_embd.weight", Q4_K);
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT.withPure(true).withTokenEmbeddingType(Q8_0), dense(2, true, 256)))
                .containsEntry("token_embd.weight", Q8_0);
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT.withPure(true), dense(2, true, 160)))
                .containsEntry("token_embd.weight", Q5_0);
    }

    @Test
    void outputTensorTypeTakesTheHeadAndATiedEmbeddingButNotAnUntiedOne() {
        RecipeOptions o = RecipeOptions.DEFAULT.withOutputType(Q8_0);
        assertThat(types(FileType.Q4_K_M, o, dense(2, false, 256)))
                .containsEntry("output.weight", Q8_0).containsEntry("token_embd.weight", Q4_K);
        assertThat(types(FileType.Q4_K_M, o, dense(2, true, 256))).containsEntry("token_embd.weight", Q8_0);
        // an F16 file type skips the mixture: the head override still applies, the tied embedding stays F16
        assertThat(types(FileType.F16, o, dense(2, false, 256))).containsEntry("output.weight", Q8_0);
        assertThat(types(FileType.F16, o, dense(2, true, 256))).containsEntry("token_embd.weight", F16);
    }

    @Test
    void tokenEmbeddingTypeWinsOverTheTiedHeadRuleAndOverTensorTypeRules() {
        RecipeOptions o = rules("token_embd=q5_0", "output=q5_0").withTokenEmbeddingType(Q4_0).withOutputType(Q8_0);
        Map<String, GgmlType> t = types(FileType.Q4_K_M, o, dense(2, false, 256));
        assertThat(t).containsEntry("token_embd.weight", Q4_0).containsEntry("output.weight", Q8_0);
        assertThat(types(FileType.BF16, RecipeOptions.DEFAULT.withTokenEmbeddingType(Q8_0), dense(2, true, 256)))
                .containsEntry("token_embd.weight", Q8_0).containsEntry("blk.0.attn_q.weight", BF16);
    }

    @Test
    void tensorTypeRulesFirstMatchWinsAndTheyReplaceTheMixtureOnlyForQuantizedFileTypes() {
        RecipeOptions o = rules("ffn_down=q8_0", "blk\\.1\\.=q5_0", "FFN=Q4_0");
        Map<String, GgmlType> t = types(FileType.Q4_K_M, o, dense(8, false, 256));
        assertThat(t).containsEntry("blk.1.ffn_down.weight", Q8_0).containsEntry("blk.1.attn_q.weight", Q5_0)
                .containsEntry("blk.2.ffn_up.weight", Q4_0) // the regex is lower-cased, as llama-quantize does
                .containsEntry("blk.0.attn_v.weight", Q6_K).containsEntry("output.weight", Q6_K);

        for (FileType ft : List.of(FileType.F16, FileType.BF16, FileType.F32)) {
            RecipePlan plan = new StockRecipe(ft, o).plan(dense(2, false, 256), LLAMA8);
            assertThat(plan.types()).containsEntry("blk.1.ffn_down.weight", ft.baseType)
                    .containsEntry("blk.1.attn_q.weight", ft.baseType).containsEntry("output.weight", ft.baseType);
            assertThat(plan.warnings()).singleElement().asString().contains("ignored for " + ft);
        }
    }

    @Test
    void aTensorCaughtByARuleIsNotCountedSoTheLayersAfterItShift() {
        // without the rules, layer 1 is not a "more bits" layer
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT, dense(8, false, 256)))
                .containsEntry("blk.1.ffn_down.weight", Q4_K).containsEntry("blk.1.attn_v.weight", Q4_K);
        Map<String, GgmlType> t = types(FileType.Q4_K_M,
                rules("blk\\.0\\.ffn_down=q8_0", "blk\\.0\\.attn_v=q8_0"), dense(8, false, 256));
        // the counters skip the caught layer 0: layer 1 is counted as 0 (more bits), 3 as 2 (not), 4 as 3
        // (more bits), 7 as 6 (more bits: (6 - 1) % 3 == 2); the totals (8) still include the caught tensors
        assertThat(t).containsEntry("blk.1.ffn_down.weight", Q6_K).containsEntry("blk.1.attn_v.weight", Q6_K)
                .containsEntry("blk.4.ffn_down.weight", Q6_K).containsEntry("blk.3.ffn_down.weight", Q4_K)
                .containsEntry("blk.7.attn_v.weight", Q6_K).containsEntry("blk.7.ffn_down.weight", Q6_K);
    }

    @Test
    void aRuleThatCatchesNothingIsReported() {
        RecipePlan plan = new StockRecipe(FileType.Q4_K_M, rules("attn_q=q8_0", "attn_qq=q8_0", "blk\\.0\\.attn_q=q5_0"))
                .plan(dense(2, false, 256), LLAMA8);
        assertThat(plan.warnings()).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("'attn_qq=q8_0'", "matched no"))
                .anySatisfy(w -> assertThat(w).contains("'blk\\.0\\.attn_q=q5_0'", "matched no"));
    }

    @Test
    void rowsABlockDoesNotDivideFallBackAsInLlamaCpp() {
        List<TensorInfo> model = new ArrayList<>(dense(8, false, 256));
        model.add(tensor("blk.0.odd160.weight", 160, 64)); // divisible by 32, not by 256
        model.add(tensor("blk.0.odd100.weight", 100, 64)); // not even by 32
        Map<FileType, List<GgmlType>> expected = Map.of(
                FileType.Q4_K_S, List.of(Q5_0, F16), FileType.Q5_K_S, List.of(Q5_1, F16),
                FileType.Q6_K, List.of(Q8_0, F16), FileType.Q3_K_S, List.of(Q4_0, F16),
                FileType.Q2_K, List.of(Q4_0, F16), FileType.IQ4_XS, List.of(IQ4_NL, F16));
        expected.forEach((ft, types) -> {
            RecipePlan plan = new StockRecipe(ft, RecipeOptions.DEFAULT).plan(model, LLAMA8);
            assertThat(plan.types()).as(ft.name()).containsEntry("blk.0.odd160.weight", types.get(0))
                    .containsEntry("blk.0.odd100.weight", types.get(1));
            assertThat(plan.warnings()).as(ft.name()).hasSize(3).last().asString()
                    .isEqualTo("warning: 2 of 77 tensor(s) required fallback quantization");
        });
        assertThat(new StockRecipe(FileType.Q4_K_M, RecipeOptions.DEFAULT).plan(model, LLAMA8).warnings())
                .anySatisfy(w -> assertThat(w).startsWith("warning: blk.0.odd160.weight  ").endsWith(
                        " - ncols    160 not divisible by 256 (required for type    q4_k) -> falling back to    q5_0"))
                .anySatisfy(w -> assertThat(w).startsWith("warning: blk.0.odd100.weight  ").endsWith(
                        "(required for type    q4_k) (WARNING: must use F16 due to unusual shape) -> falling back to     f16"));
        // llama.cpp has no fallback for the 32-blocks: it fails, and so do we
        assertThatThrownBy(() -> new StockRecipe(FileType.Q4_0, RecipeOptions.DEFAULT).plan(model, LLAMA8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tensor type fallback");
        // the output rule checks the row itself: Q8_0 instead of a Q6_K that would fall back
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT, dense(2, true, 160))).containsEntry("token_embd.weight", Q8_0);
        // the two head options skip the fallback: a type that cannot hold the rows is an error, as in llama.cpp
        assertThatThrownBy(() -> types(FileType.Q4_K_M, RecipeOptions.DEFAULT.withTokenEmbeddingType(Q4_K), dense(2, true, 160)))
                .hasMessageContaining("--token-embedding-type Q4_K cannot hold token_embd.weight");
    }

    @Test
    void theImatrixChangesTheFfnDownRulesOfTheLegacyAndIq4Types() {
        List<TensorInfo> m = dense(16, false, 256);
        RecipeOptions imat = RecipeOptions.DEFAULT.withImatrix(true);
        assertThat(types(FileType.Q4_0, RecipeOptions.DEFAULT, m, LLAMA8_16)).containsEntry("blk.1.ffn_down.weight", Q4_0);
        assertThat(types(FileType.Q4_0, imat, m, LLAMA8_16)).containsEntry("blk.1.ffn_down.weight", Q4_1)
                .containsEntry("blk.2.ffn_down.weight", Q4_0);
        assertThat(types(FileType.Q5_0, imat, m, LLAMA8_16)).containsEntry("blk.0.ffn_down.weight", Q5_1);
        assertThat(types(FileType.IQ4_NL, RecipeOptions.DEFAULT, m, LLAMA8_16)).containsEntry("blk.1.ffn_down.weight", Q5_K)
                .containsEntry("blk.2.ffn_down.weight", IQ4_NL);
        assertThat(types(FileType.IQ4_XS, imat, m, LLAMA8_16)).containsEntry("blk.0.ffn_down.weight", IQ4_XS);
    }

    private static final RecipeHparams LLAMA8_16 = new RecipeHparams("llama", 16, 4, 2, 0);

    @Test
    void hyperparametersSteerTheValueAndOutputRules() {
        List<TensorInfo> m = dense(8, false, 256);
        RecipeHparams gqa8 = new RecipeHparams("llama", 8, 32, 4, 0);
        assertThat(types(FileType.Q2_K, RecipeOptions.DEFAULT, m, gqa8)).containsEntry("blk.5.attn_v.weight", Q4_K);
        assertThat(types(FileType.Q2_K, RecipeOptions.DEFAULT, m)).containsEntry("blk.5.attn_v.weight", GgmlType.Q3_K);
        assertThat(types(FileType.IQ4_XS, RecipeOptions.DEFAULT, m, gqa8)).containsEntry("blk.5.attn_v.weight", Q5_K);

        RecipeHparams moe8 = new RecipeHparams("llama", 8, 4, 2, 8);
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT, m, moe8)).containsEntry("blk.1.attn_v.weight", Q8_0)
                .containsEntry("blk.1.attn_k.weight", Q8_0).containsEntry("blk.1.attn_output.weight", Q5_K);

        RecipeHparams falcon = new RecipeHparams("falcon", 8, 4, 2, 0);
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT, m, falcon)).containsEntry("output.weight", Q8_0)
                .containsEntry("blk.0.ffn_down.weight", Q5_K).containsEntry("blk.1.ffn_down.weight", Q4_K)
                .containsEntry("blk.3.ffn_down.weight", Q5_K);

        RecipeHparams llama70b = new RecipeHparams("llama", 80, 64, 8, 0);
        assertThat(llama70b.is70B()).isTrue();
        assertThat(new RecipeHparams("llama", 80, 64, 64, 0).is70B()).isFalse();
        assertThat(types(FileType.Q3_K_S, RecipeOptions.DEFAULT, m, llama70b)).containsEntry("blk.2.attn_v.weight", Q5_K);
    }

    @Test
    void vectorsAndTensorsWithOnlyOneRowDimensionAreNotQuantized() {
        List<TensorInfo> m = new ArrayList<>(dense(2, false, 256));
        m.add(tensor("blk.0.flat.weight", 256, 1)); // ggml counts it as 1-D, as it does the [256, 1] of a dry run
        m.add(tensor("blk.0.ssm_conv1d.weight", 4, 512));
        m.add(tensor("blk.0.ssm_a", 256, 4));
        assertThat(types(FileType.Q4_K_M, RecipeOptions.DEFAULT, m)).containsEntry("blk.0.flat.weight", F32)
                .containsEntry("blk.0.ssm_conv1d.weight", F32).containsEntry("blk.0.ssm_a", F32);
    }

    @Test
    void tensorTypeFilesHoldRulesSeparatedBySpacesOrNewlines() throws IOException {
        Path file = tmp.resolve("types.txt");
        Files.writeString(file, "ffn_down=q8_0  attn_v=Q6_K\n\n\tblk\\.0\\.=f16\r\n");
        List<String> words = TensorTypeOverrides.readFile(file);
        assertThat(words).containsExactly("ffn_down=q8_0", "attn_v=Q6_K", "blk\\.0\\.=f16");
        TensorTypeOverrides rules = TensorTypeOverrides.parse(words);
        assertThat(rules.rules()).extracting(TensorTypeOverrides.Rule::type).containsExactly(Q8_0, Q6_K, F16);
        assertThat(rules.typeFor("blk.0.attn_v.weight")).contains(Q6_K);
        assertThat(rules.typeFor("blk.0.attn_q.weight")).contains(F16);

        for (String bad : List.of("ffn_down", "=q8_0", "ffn_down=", "ffn_down=q7_k", "ffn_down=q4_k_m", "([=q8_0")) {
            assertThatThrownBy(() -> TensorTypeOverrides.parse(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.equals("=q8_0") ? "no tensor name" : "");
        }
        assertThatThrownBy(() -> TensorTypeOverrides.readFile(tmp.resolve("none.txt"))).hasMessageContaining("no such file");
    }
}
