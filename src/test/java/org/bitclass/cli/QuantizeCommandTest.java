package org.bitclass.cli;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.Imatrix;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.GoldenRecipe;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QuantizeCommandTest {

    @TempDir
    Path tmp;

    private final String probe = SharedData.path("models/quant-probe.gguf").toString();
    private final Path minima = SharedData.path("models/minima-qwen3-f32.gguf");

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q8_0", "IQ4_XS", "BF16"})
    void pureQuantizationIsByteIdenticalToLlamaQuantize(String type) throws IOException {
        Path out = tmp.resolve("out.gguf");
        Cli.Result r = Cli.run("quantize", probe, out.toString(), "--type", type, "--pure", "-t", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("quant size");
        assertThat(Files.mismatch(out, SharedData.path("golden/quant/probe-" + type + ".gguf"))).isEqualTo(-1L);
    }

    @Test
    void withImatrixOnlyTheRecordedFileNameDiffers() throws IOException {
        Path out = tmp.resolve("out.gguf");
        String imatrix = SharedData.path("golden/quant/probe.imatrix.gguf").toString();
        Cli.Result r = Cli.run("quantize", probe, out.toString(), "--type", "Q4_K", "--pure", "--imatrix", imatrix);
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (GgufFile ours = GgufFile.open(out);
             GgufFile golden = GgufFile.open(SharedData.path("golden/quant/probe-Q4_K-imat.gguf"))) {
            assertThat(ours.metadata().keys()).containsExactlyElementsOf(golden.metadata().keys());
            for (String key : golden.metadata().keys()) {
                if (!key.equals("quantize.imatrix.file")) {
                    assertThat(ours.metadata().get(key).toDisplayString(Integer.MAX_VALUE)).as(key)
                            .isEqualTo(golden.metadata().get(key).toDisplayString(Integer.MAX_VALUE));
                }
            }
            assertThat(ours.metadata().getString("quantize.imatrix.file")).isEqualTo(imatrix);
            assertThat(ours.tensors()).isEqualTo(golden.tensors());
            for (TensorInfo t : golden.tensors()) {
                assertThat(ours.data(t).mismatch(golden.data(t))).as(t.name()).isEqualTo(-1L);
            }
        }
    }

    @Test
    void overridesPickTypesByNameFirstMatchWinsAndFallbacksApply() throws IOException {
        Path out = tmp.resolve("out.gguf");
        Cli.Result r = Cli.run("quantize", probe, out.toString(), "--type", "Q4_0", "--pure",
                "--tensor-type", "ffn_down=Q6_K", "--tensor-type", "blk\\.1\\.=Q8_0", "--tensor-type", "ffn=Q5_0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (GgufFile f = GgufFile.open(out); GgufFile in = GgufFile.open(Path.of(probe))) {
            for (TensorInfo t : f.tensors()) {
                GgmlType expected;
                if (t.nDims() < 2) {
                    expected = GgmlType.F32;
                } else if (t.name().contains("ffn_down")) {
                    expected = t.rowLength() % 256 == 0 ? GgmlType.Q6_K : GgmlType.Q8_0; // llama.cpp's fallback
                } else if (t.name().startsWith("blk.1.")) {
                    expected = GgmlType.Q8_0;
                } else if (t.name().contains("ffn")) {
                    expected = GgmlType.Q5_0;
                } else {
                    expected = GgmlType.Q4_0;
                }
                assertThat(t.type()).as(t.name()).isEqualTo(expected);
                assertThat(t.shape()).isEqualTo(in.tensor(t.name()).shape());
            }
        }
    }

    @Test
    void badRequestsFailWithOneLineAndWriteNothing() throws IOException {
        Path out = tmp.resolve("out.gguf");
        Path q4 = tmp.resolve("q4.gguf");
        assertThat(Cli.run("quantize", probe, q4.toString(), "--type", "Q4_0").exitCode()).isZero();
        String wrongColumns = imatrix("blk.0.attn_q.weight", 128);
        String otherModel = imatrix("model.layers.0.self_attn.q_proj.weight", 256);
        List<String[]> bad = List.of(
                new String[]{"quantize", probe, out.toString(), "--type", "Q7_K"},
                new String[]{"quantize", q4.toString(), out.toString(), "--type", "Q8_0"},
                new String[]{"quantize", probe, out.toString(), "--type", "Q4_K", "--imatrix", wrongColumns},
                new String[]{"quantize", probe, out.toString(), "--type", "Q4_K", "--imatrix", otherModel},
                new String[]{"quantize", probe, out.toString(), "--type", "Q4_K", "--tensor-type", "([=Q8_0"},
                new String[]{"quantize", probe, out.toString(), "--type", "Q4_K", "--tensor-type", "attn"},
                new String[]{"quantize", probe, probe, "--type", "Q4_K"},
                new String[]{"quantize", probe, out.toString()},
                new String[]{"quantize", probe, out.toString(), "Q4_K_M", "--type", "Q4_K_M"},
                new String[]{"quantize", probe, out.toString(), "Q4_K_M", "2", "-t", "2"},
                new String[]{"quantize", probe, out.toString(), "Q4_K_M", "-t", "two"},
                new String[]{"quantize", probe, out.toString(), "Q4_K_M", "--output-tensor-type", "Q4_K_M"},
                new String[]{"quantize", probe, out.toString(), "Q4_K_M", "--tensor-type-file", tmp.resolve("none").toString()});
        for (String[] args : bad) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err()).as(String.join(" ", args)).isNotBlank().doesNotContain("\tat ");
            assertThat(out).doesNotExist();
        }
        assertThat(Cli.run(bad.getFirst()).err()).contains("unknown type 'Q7_K'", "Q4_K_M", "IQ4_XS");
        assertThat(Cli.run(bad.get(1)).err()).contains("--allow-requantize");
        assertThat(Cli.run(bad.get(2)).err()).contains("imatrix size 128 is different from tensor size 256 for blk.0.attn_q.weight");
        assertThat(Cli.run(bad.get(3)).err()).contains("the imatrix " + otherModel + " does not match " + probe);
        assertThat(Cli.run(bad.get(8)).err()).contains("give the type once");
        assertThat(Cli.run(bad.get(11)).err()).contains("unknown type 'Q4_K_M' in --output-tensor-type");
        assertThat(tmp.toFile().list()).containsExactlyInAnyOrder("q4.gguf", "a.imatrix.gguf", "b.imatrix.gguf");
    }

    @Test
    void theStockQ4KMWithAnImatrixIsByteIdenticalToLlamaQuantize() throws Exception {
        // llama-quantize recorded the imatrix as it was named on its command line, "minima.imatrix.gguf", so we
        // run beside that file too (in a child JVM: a JVM cannot change its working directory)
        Path eval = SharedData.path("golden/eval");
        Path out = tmp.resolve("minima-Q4_K_M-imat.gguf");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "quantize", minima.toAbsolutePath().toString(), out.toString(), "Q4_K_M", "--imatrix", "minima.imatrix.gguf",
                "-t", "2").directory(eval.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(log).isZero();
        assertThat(Files.mismatch(out, eval.resolve("minima-Q4_K_M-imat.gguf"))).as(log).isEqualTo(-1L);
    }

    @Test
    void thePositionalFormAndTheTypeAliasesGiveTheStockRecipeAndItsFileType() throws IOException {
        Path positional = tmp.resolve("positional.gguf");
        Path alias = tmp.resolve("alias.gguf");
        Path byId = tmp.resolve("id.gguf");
        Cli.Result r = Cli.run("quantize", minima.toString(), positional.toString(), "Q4_K_M", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Q4_K_M: F32 33, Q4_K 48, Q6_K 9");
        assertThat(Cli.run("quantize", minima.toString(), alias.toString(), "--type", "q4_k", "-t", "2").exitCode()).isZero();
        assertThat(Cli.run("quantize", minima.toString(), byId.toString(), "15", "--threads", "2").exitCode()).isZero();
        assertThat(Files.mismatch(positional, alias)).isEqualTo(-1L);
        assertThat(Files.mismatch(positional, byId)).isEqualTo(-1L);
        assertRecipe(positional, GoldenRecipe.read("minima-qwen3", "Q4_K_M"), 15);

        Path q3 = tmp.resolve("q3.gguf");
        assertThat(Cli.run("quantize", minima.toString(), q3.toString(), "--type", "Q3_K_S").exitCode()).isZero();
        assertRecipe(q3, GoldenRecipe.read("minima-qwen3", "Q3_K_S"), 11);
    }

    private static void assertRecipe(Path file, GoldenRecipe golden, int fileTypeId) throws IOException {
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.metadata().getInt("general.file_type")).isEqualTo(fileTypeId);
            Map<String, GgmlType> types = new LinkedHashMap<>();
            f.tensors().forEach(t -> types.put(t.name(), t.type()));
            assertThat(types).containsExactlyEntriesOf(golden.types());
        }
    }

    @Test
    void typeOptionsRulesAndRuleFilesApplyInCommandLineOrder() throws IOException {
        Path rules = tmp.resolve("rules.txt");
        Files.writeString(rules, "ffn_down=q5_0\nattn_v=q8_0 nothing=q8_0\n");
        Path fileFirst = tmp.resolve("a.gguf");
        Cli.Result r = Cli.run("quantize", probe, fileFirst.toString(), "Q4_K_M", "--tensor-type-file", rules.toString(),
                "--tensor-type", "FFN_DOWN=q6_k", "--tensor-type", "blk\\.1\\.=q4_0", "--output-tensor-type", "q8_0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("--tensor-type 'nothing=q8_0' matched no");
        Path inlineFirst = tmp.resolve("b.gguf");
        assertThat(Cli.run("quantize", probe, inlineFirst.toString(), "Q4_K_M", "--tensor-type", "ffn_down=q6_k",
                "--tensor-type-file", rules.toString(), "--token-embedding-type", "q4_0").exitCode()).isZero();
        try (GgufFile a = GgufFile.open(fileFirst); GgufFile b = GgufFile.open(inlineFirst)) {
            assertThat(a.tensor("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.Q5_0);
            assertThat(b.tensor("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(a.tensor("blk.1.attn_v.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(a.tensor("blk.1.attn_q.weight").type()).isEqualTo(GgmlType.Q4_0);
            assertThat(a.tensor("blk.1.ffn_up.weight").type()).isEqualTo(GgmlType.Q4_0);
            assertThat(a.tensor("blk.0.ffn_up.weight").type()).isEqualTo(GgmlType.Q4_K);
            // the probe's head is tied: --output-tensor-type reaches token_embd through the recipe's head rule
            assertThat(a.tensor("token_embd.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(b.tensor("token_embd.weight").type()).isEqualTo(GgmlType.Q4_0);
        }

        Path f16 = tmp.resolve("f16.gguf");
        Cli.Result ignored = Cli.run("quantize", probe, f16.toString(), "F16", "--tensor-type", "ffn_down=q6_k");
        assertThat(ignored.exitCode()).as(ignored.err()).isZero();
        assertThat(ignored.err()).contains("--tensor-type rules are ignored for F16");
        try (GgufFile f = GgufFile.open(f16)) {
            assertThat(f.metadata().getInt("general.file_type")).isEqualTo(1);
            assertThat(f.tensor("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.F16);
            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(GgmlType.F16);
        }
    }

    private String imatrix(String tensor, int columns) throws IOException {
        Path path = tmp.resolve(tensor.startsWith("blk") ? "a.imatrix.gguf" : "b.imatrix.gguf");
        float[] sums = new float[columns];
        java.util.Arrays.fill(sums, 2f);
        Imatrix.of(java.util.Map.of(tensor, new Imatrix.Entry(sums, new long[]{4})), List.of("t.txt"), 1, 512)
                .writeGguf(path);
        return path.toString();
    }
}
