package org.bitclass.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bitclass allocate} and {@code quantize --recipe / --target-size} end to end on Minima at the Q4_K_M budget,
 * with one calibration chunk (the measured sensitivities are computed once and shared through the cache).
 */
class AllocateCommandTest {

    private static final String MODEL = SharedData.path("models/minima-qwen3-f32.gguf").toString();
    private static final String IMATRIX = SharedData.path("golden/eval/minima.imatrix.gguf").toString();
    private static final String CALIB = SharedData.path("corpus/kjv-calib.txt").toString();

    @TempDir
    static Path dir;
    private static Path recipe;
    private static Path rules;
    private static Path cache;
    private static Cli.Result allocated;

    @BeforeAll
    static void allocateOnce() {
        recipe = dir.resolve("recipe.json");
        rules = dir.resolve("rules.txt");
        cache = dir.resolve("sensitivity.json");
        allocated = Cli.run("allocate", MODEL, "--imatrix", IMATRIX, "--calib", CALIB, "--chunks", "1",
                "--target-size", "Q4_K_M", "-o", recipe.toString(), "--tensor-type-file", rules.toString(),
                "--sensitivity", cache.toString());
    }

    private static String[] args(String... a) {
        return a;
    }

    @Test
    void theRecipeFitsTheStockSizeAndBeatsTheStockRecipeOnTheCalibrationTokens() throws IOException {
        assertThat(allocated.exitCode()).as(allocated.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(recipe.toFile());
        assertThat(r.get("schema").asText()).isEqualTo("bitclass.allocation/1");
        long budget = r.get("budget_bytes").asLong();
        assertThat(r.get("stock").asText()).isEqualTo("Q4_K_M");
        assertThat(r.get("stock_bytes").asLong()).isEqualTo(budget);
        assertThat(r.get("file_bytes").asLong()).isLessThanOrEqualTo(budget).isGreaterThanOrEqualTo(budget * 99 / 100);
        assertThat(r.get("measured_kld").asDouble()).isLessThan(r.get("stock_kld").asDouble());
        assertThat(r.get("tensors")).hasSize(57);
        // the tied embedding/head is never placed below the stock recipe's Q6_K
        r.get("tensors").forEach(t -> {
            if (t.get("name").asText().equals("token_embd.weight")) {
                assertThat(t.get("type").asText()).isIn("Q6_K", "Q8_0", "BF16", "F16");
            }
        });
        assertThat(allocated.out()).contains("stock Q4_K_M", "ours / stock", "Spearman");
    }

    @Test
    void quantizingTheRecipeWritesThePlannedFileWithThePlannedTypes() throws IOException {
        Path out = dir.resolve("ours.gguf");
        Cli.Result q = Cli.run("quantize", MODEL, out.toString(), "--recipe", recipe.toString(), "--imatrix", IMATRIX);
        assertThat(q.exitCode()).as(q.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(recipe.toFile());
        assertThat(Files.size(out)).isEqualTo(r.get("file_bytes").asLong());
        Map<String, String> planned = new HashMap<>();
        r.get("tensors").forEach(t -> planned.put(t.get("name").asText(), t.get("type").asText()));
        try (GgufModel m = GgufModel.open(out)) {
            for (TensorInfo t : m.tensors()) {
                if (planned.containsKey(t.name())) {
                    assertThat(t.type().name()).as(t.name()).isEqualTo(planned.get(t.name()));
                }
            }
            assertThat(m.metadata().getInt("general.file_type", -1)).isEqualTo(15);
        }
    }

    @Test
    void theTensorTypeFileGivesTheSameBytesAsTheRecipe() throws IOException {
        Path viaRecipe = dir.resolve("via-recipe.gguf");
        Path viaRules = dir.resolve("via-rules.gguf");
        assertThat(Cli.run("quantize", MODEL, viaRecipe.toString(), "--recipe", recipe.toString(), "--imatrix", IMATRIX)
                .exitCode()).isZero();
        Cli.Result q = Cli.run("quantize", MODEL, viaRules.toString(), "Q4_K_M", "--imatrix", IMATRIX,
                "--tensor-type-file", rules.toString());
        assertThat(q.exitCode()).as(q.err()).isZero();
        assertThat(Files.readAllBytes(viaRules)).isEqualTo(Files.readAllBytes(viaRecipe));
    }

    @Test
    void eachRuleMatchesExactlyItsOwnTensor() throws IOException {
        List<String> lines = Files.readAllLines(rules);
        try (GgufModel m = GgufModel.open(Path.of(MODEL))) {
            for (String line : lines) {
                Pattern p = Pattern.compile(line.substring(0, line.lastIndexOf('=')));
                List<String> hits = m.tensors().stream().map(TensorInfo::name).filter(n -> p.matcher(n).find()).toList();
                assertThat(hits).as(line).hasSize(1);
                assertThat(line).startsWith("^" + hits.getFirst().replace(".", "\\.") + "$=");
            }
        }
        assertThat(lines).hasSize(57);
    }

    @Test
    void theOneStepFormAndOtherThreadCountsGiveTheSameFile() throws IOException {
        Path viaRecipe = dir.resolve("recipe-2.gguf");
        Path oneStep = dir.resolve("one-step.gguf");
        assertThat(Cli.run("quantize", MODEL, viaRecipe.toString(), "--recipe", recipe.toString(), "--imatrix", IMATRIX)
                .exitCode()).isZero();
        Cli.Result q = Cli.run("quantize", MODEL, oneStep.toString(), "--imatrix", IMATRIX, "--calib", CALIB,
                "--chunks", "1", "--target-size", "Q4_K_M", "--sensitivity", cache.toString(), "-t", "1");
        assertThat(q.exitCode()).as(q.err()).isZero();
        assertThat(Files.readAllBytes(oneStep)).isEqualTo(Files.readAllBytes(viaRecipe));
    }

    @Test
    void badBudgetsAreOneLineErrorsNamingTheOption() {
        Path out = dir.resolve("never.json");
        Cli.Result tiny = Cli.run("allocate", MODEL, "--imatrix", IMATRIX, "--target-size", "100KB", "-o", out.toString());
        assertThat(tiny.exitCode()).isEqualTo(1);
        assertThat(tiny.err().strip()).startsWith("bitclass allocate: the budget of 100000 bytes is too small")
                .doesNotContain("\n");
        Cli.Result garbage = Cli.run("allocate", MODEL, "--imatrix", IMATRIX, "--target-size", "lots", "-o", out.toString());
        assertThat(garbage.err().strip()).contains("--target-size").doesNotContain("\n");
        Cli.Result none = Cli.run("allocate", MODEL, "--imatrix", IMATRIX, "-o", out.toString());
        assertThat(none.err().strip()).contains("--target-size or --target-bpw");
        Cli.Result both = Cli.run("quantize", MODEL, dir.resolve("x.gguf").toString(), "Q4_K_M", "--recipe", recipe.toString());
        assertThat(both.err().strip()).contains("drop the TYPE");
        Cli.Result otherModel = Cli.run("allocate", MODEL, "--imatrix",
                SharedData.path("golden/eval/minima-qwen35.imatrix.gguf").toString(), "--target-size", "Q4_K_M",
                "-o", out.toString());
        assertThat(otherModel.err().strip()).contains("does not match").doesNotContain("\n").doesNotContain("errors");
        assertThat(out).doesNotExist();
    }

    @Test
    void withoutCalibrationTheHessianWeighsTheTensorsAndNoKldIsClaimed() throws IOException {
        Path out = dir.resolve("hessian.json");
        Cli.Result r = Cli.run("allocate", MODEL, "--imatrix", IMATRIX, "--target-size", "4.5MiB", "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.get("file_bytes").asLong()).isLessThanOrEqualTo(4_718_592L).isGreaterThan(4_718_592L * 99 / 100);
        assertThat(j.get("predicted_kld").asText()).isEqualTo("NaN");
        assertThat(r.out()).contains("KLD        predicted -, measured -");
    }

    @Test
    void aBpwBudgetIsMetAsLlamaQuantizeCountsIt() throws IOException {
        Path out = dir.resolve("bpw.json");
        Cli.Result r = Cli.run("allocate", MODEL, "--imatrix", IMATRIX, "--calib", CALIB, "--chunks", "1",
                "--target-bpw", "4.5", "-o", out.toString(), "--sensitivity", cache.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(out.toFile()).get("bpw").asDouble()).isLessThanOrEqualTo(4.5).isGreaterThan(4.4);
    }
}
