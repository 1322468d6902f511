package org.bitclass.calib;

import org.bitclass.gguf.GgufModel;
import org.bitclass.quant.Imatrix;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hybrid qwen35 model (DeltaNet and gated attention layers): every block matrix is calibrated and ranked. */
class Qwen35CalibrationTest {

    private static final Path MODEL = SharedData.path("models/qwen35-mini.gguf");

    @Test
    void calibratesEveryBlockMatrixAndRanksLayersAndRoles() throws IOException {
        ImatrixCalibration.Result result = ImatrixCalibration.run(MODEL, SharedData.path("corpus/kjv-calib.txt"),
                "kjv-calib.txt", new ImatrixCalibration.Options(128, 2, false, false, false), 2,
                new ImatrixCalibration.Listener() {
                });
        Imatrix imatrix = result.imatrix();

        List<String> expected = new ArrayList<>();
        for (int layer = 0; layer < 8; layer++) {
            String p = "blk." + layer + ".";
            List<String> kinds = layer == 3 || layer == 7
                    ? List.of("attn_q", "attn_k", "attn_v", "attn_output")
                    : List.of("attn_qkv", "attn_gate", "ssm_alpha", "ssm_beta", "ssm_out");
            kinds.forEach(k -> expected.add(p + k + ".weight"));
            List.of("ffn_gate", "ffn_up", "ffn_down").forEach(k -> expected.add(p + k + ".weight"));
        }
        assertThat(imatrix.names()).containsExactlyInAnyOrderElementsOf(expected);
        for (String name : imatrix.names()) {
            assertThat(imatrix.entry(name).orElseThrow().counts()).as(name).containsExactly(256);
        }
        assertThat(imatrix.chunkCount()).isEqualTo(2);
        assertThat(result.perplexity()).isFinite().isGreaterThan(1);

        SensitivityReport report;
        try (GgufModel gguf = GgufModel.open(MODEL)) {
            assertThat(ImatrixCalibration.hasRecurrentLayers(gguf.metadata())).isTrue();
            report = SensitivityAnalysis.analyze(gguf, imatrix);
        }
        assertThat(report.layers()).hasSize(8);
        assertThat(report.roles()).extracting(GroupSensitivity::key).containsExactlyInAnyOrder("attn_qkv",
                "attn_gate", "ssm_alpha", "ssm_beta", "ssm_out", "attn_q", "attn_k", "attn_v", "attn_output",
                "ffn_gate", "ffn_up", "ffn_down");
        GroupSensitivity ssmOut = report.roles().stream().filter(g -> g.key().equals("ssm_out")).findFirst().orElseThrow();
        assertThat(ssmOut.tensors()).isEqualTo(6);
        assertThat(report.tensors()).allSatisfy(t -> assertThat(t.sensitivity()).as(t.name()).isPositive());
    }
}
