package org.bitclass.cli;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.Imatrix;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QuantizeCommandTest {

    @TempDir
    Path tmp;

    private final String probe = SharedData.path("models/quant-probe.gguf").toString();

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q8_0", "IQ4_XS", "BF16"})
    void pureQuantizationIsByteIdenticalToLlamaQuantize(String type) throws IOException {
        Path out = tmp.resolve("out.gguf");
        Cli.Result r = Cli.run("quantize", probe, out.toString(), "--type", type, "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("quant size");
        assertThat(Files.mismatch(out, SharedData.path("golden/quant/probe-" + type + ".gguf"))).isEqualTo(-1L);
    }

    @Test
    void withImatrixOnlyTheRecordedFileNameDiffers() throws IOException {
        Path out = tmp.resolve("out.gguf");
        String imatrix = SharedData.path("golden/quant/probe.imatrix.gguf").toString();
        Cli.Result r = Cli.run("quantize", probe, out.toString(), "--type", "Q4_K", "--imatrix", imatrix);
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
        Cli.Result r = Cli.run("quantize", probe, out.toString(), "--type", "Q4_0",
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
                new String[]{"quantize", probe, out.toString()});
        for (String[] args : bad) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err()).as(String.join(" ", args)).isNotBlank().doesNotContain("\tat ");
            assertThat(out).doesNotExist();
        }
        assertThat(Cli.run(bad.getFirst()).err()).contains("unknown type 'Q7_K'", "Q4_K_M", "IQ4_XS");
        assertThat(Cli.run(bad.get(1)).err()).contains("--allow-requantize");
        assertThat(Cli.run(bad.get(2)).err()).contains("imatrix size 128 is different from tensor size 256 for blk.0.attn_q.weight");
        assertThat(Cli.run(bad.get(3)).err()).contains("does not match this model");
        assertThat(tmp.toFile().list()).containsExactlyInAnyOrder("q4.gguf", "a.imatrix.gguf", "b.imatrix.gguf");
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
