package org.bitclass.eval.health;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.QuantRegistry;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Per-tensor statistics against direct double-precision computations over all of the tensor's values. */
class TensorScannerTest {

    @TempDir
    Path dir;

    private static void assertMatchesDirect(TensorHealth h, float[] v) {
        DirectStatistics d = DirectStatistics.of(v);
        assertThat(h.elements()).isEqualTo(v.length);
        assertThat(h.mean()).as("mean").isCloseTo(d.mean(), within(1e-9 * d.std()));
        assertThat(h.std()).as("std").isCloseTo(d.std(), within(1e-9 * d.std()));
        assertThat(h.skewness()).as("skewness").isCloseTo(d.skewness(), within(1e-7));
        assertThat(h.excessKurtosis()).as("kurtosis").isCloseTo(d.excessKurtosis(), within(1e-7));
        assertThat(h.maxAbs()).as("max|w|").isEqualTo(d.maxAbs());
        assertThat(h.beyond6Sigma() * v.length).as("values beyond 6σ").isCloseTo(d.beyond6Sigma(), within(1e-6));
    }

    @Test
    void aTensorLargerThanOneRowBlockMatchesTheDirectComputation() throws IOException {
        float[] v = MomentsTest.values("spiky", 7, 5000 * 300);
        Path file = new SyntheticModel().add("blk.0.ffn_up.weight", new long[] {5000, 300}, v).write(dir.resolve("m.gguf"));
        try (GgufModel m = GgufModel.open(file)) {
            TensorHealth h = TensorScanner.scan(m, m.tensor("blk.0.ffn_up.weight"));
            assertMatchesDirect(h, v);
            assertThat(h.beyond6Sigma()).as("the spikes reach beyond 6σ").isGreaterThan(1e-4);
            assertThat(h.role()).isEqualTo("ffn_up");
            assertThat(h.layer()).isZero();
        }
    }

    /** Quantized tensors are judged by their decoded values (decoded here in one go, there row block by row block). */
    @ParameterizedTest
    @CsvSource({"golden/quant/probe-Q8_0.gguf, blk.0.ffn_down.weight", "golden/quant/probe-Q4_K.gguf, blk.1.attn_q.weight",
            "golden/quant/probe-BF16.gguf, token_embd.weight", "models/quant-probe.gguf, blk.0.ffn_gate.weight"})
    void quantizedTensorsAreMeasuredOnTheirDecodedValues(String file, String tensor) throws IOException {
        try (GgufModel m = GgufModel.open(SharedData.path(file))) {
            TensorInfo t = m.tensor(tensor);
            float[] all = new float[Math.toIntExact(t.nElements())];
            QuantRegistry.codec(t.type()).dequantize(m.data(t), 0, all, 0, all.length);
            assertMatchesDirect(TensorScanner.scan(m, t), all);
        }
    }

    @ParameterizedTest
    @CsvSource({"blk.7.attn_q.weight, attn_q, 7", "blk.12.attn_q.bias, attn_q.bias, 12", "token_embd.weight, token_embd, -1",
            "blk.3.ssm_a, ssm_a, 3", "output_norm.weight, output_norm, -1"})
    void rolesAreNamesWithoutTheBlockPrefix(String name, String role, int layer) {
        assertThat(TensorHealth.roleOf(name)).isEqualTo(role);
        assertThat(TensorHealth.layerOf(name)).isEqualTo(layer);
    }
}
