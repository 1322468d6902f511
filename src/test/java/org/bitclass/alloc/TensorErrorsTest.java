package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.TensorQuantizer;
import org.bitclass.quant.QuantRegistry;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The error model against an independent computation through the whole-tensor quantizer, and its sampling. */
class TensorErrorsTest {

    private static final String MINIMA = "models/minima-qwen3-f32.gguf";

    @Test
    void theErrorIsThatOfTheTensorQuantizerOutput() throws Exception {
        Imatrix imatrix = Imatrix.read(SharedData.path("golden/eval/minima.imatrix.gguf"));
        try (GgufModel m = GgufModel.open(SharedData.path(MINIMA)); TensorQuantizer q = new TensorQuantizer(2);
             Arena arena = Arena.ofShared()) {
            TensorInfo t = m.tensor("blk.3.ffn_down.weight");
            float[] importance = TensorErrors.importance(imatrix, t);
            Map<GgmlType, TypeOption> options = TensorErrors.measure(m, t, importance, Integer.MAX_VALUE, 32).stream()
                    .collect(Collectors.toMap(TypeOption::type, Function.identity()));
            assertThat(options.keySet()).containsAll(TensorErrors.CANDIDATES);
            for (GgmlType type : List.of(GgmlType.Q2_K, GgmlType.IQ4_XS, GgmlType.Q5_0, GgmlType.Q8_0)) {
                MemorySegment bytes = q.quantize(t, m.data(t), type, importance, arena);
                assertThat(options.get(type).error()).as(type.name())
                        .isCloseTo(reference(m, t, bytes, type, importance), within(1e-9));
                assertThat(options.get(type).bytes()).isEqualTo(bytes.byteSize());
            }
            assertThat(options.get(GgmlType.Q2_K).error()).isGreaterThan(options.get(GgmlType.Q4_K).error());
            assertThat(options.get(GgmlType.Q4_K).error()).isGreaterThan(options.get(GgmlType.Q6_K).error());
            assertThat(options.get(GgmlType.F16).error()).isLessThan(1e-6);
        }
    }

    @Test
    void aSampleOfRowsEstimatesTheWholeTensor() throws Exception {
        try (GgufModel m = GgufModel.open(SharedData.path(MINIMA))) {
            TensorInfo t = m.tensor("token_embd.weight");   // 4101 rows
            List<TypeOption> full = TensorErrors.measure(m, t, null, Integer.MAX_VALUE, 32);
            List<TypeOption> sampled = TensorErrors.measure(m, t, null, 512, 32);
            for (int i = 0; i < full.size(); i++) {
                assertThat(sampled.get(i).bytes()).isEqualTo(full.get(i).bytes());
                assertThat(sampled.get(i).error()).as(full.get(i).type().name())
                        .isCloseTo(full.get(i).error(), within(0.1 * full.get(i).error()));
            }
        }
    }

    /** {@code Σ a_j (w − ŵ)² / Σ a_j w²} over the whole tensor, decoding the quantizer's bytes row by row. */
    private static double reference(GgufModel m, TensorInfo t, MemorySegment bytes, GgmlType type, float[] importance) {
        int cols = (int) t.rowLength();
        float[] w = new float[cols];
        float[] d = new float[cols];
        double err = 0;
        double energy = 0;
        for (long r = 0; r < t.rows(); r++) {
            QuantRegistry.codec(t.type()).dequantize(m.data(t), r * t.type().bytesFor(cols), w, 0, cols);
            QuantRegistry.codec(type).dequantize(bytes, r * type.bytesFor(cols), d, 0, cols);
            for (int j = 0; j < cols; j++) {
                err += importance[j] * (double) (w[j] - d[j]) * (w[j] - d[j]);
                energy += importance[j] * (double) w[j] * w[j];
            }
        }
        return err / energy;
    }
}
