package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.QuantRegistry;
import org.bitclass.quant.QuantizableTensors;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures docs/allocation.md reports about the sensitivity model, on both trained Minima models: how well the
 * Hessian figure ranks tensors like the measured probe, how well the probe's linear prediction ranks the real KLD
 * of each tensor quantized alone to other types, and how close a sample of rows comes to a whole tensor's error.
 * Slow (about a minute per model): run with {@code -Dgroups=slow}.
 */
@Tag("slow")
class SensitivityValidationTest {

    private static final Allocator.Listener QUIET = new Allocator.Listener() {
        @Override
        public void stage(String name, int steps) {
        }

        @Override
        public void step(String detail) {
        }
    };

    @ParameterizedTest
    @CsvSource({"models/minima-qwen3-f32.gguf, golden/eval/minima.imatrix.gguf",
            "models/minima-qwen35-bf16.gguf, golden/eval/minima-qwen35.imatrix.gguf"})
    void theMeasuredSlopeRanksSingleTensorQuantizations(String model, String imatrixFile) throws Exception {
        Path modelPath = SharedData.path(model);
        Path calib = SharedData.path("corpus/kjv-calib.txt");
        Imatrix imatrix = Imatrix.read(SharedData.path(imatrixFile));
        try (Allocator al = new Allocator(modelPath, imatrix, imatrixFile, new Allocator.Options(4, 512, GgmlType.Q3_K, 2),
                QUIET)) {
            SensitivityTable table = al.sensitivity(calib, null);
            StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                    "%s: Spearman(Hessian, measured KLD) %.3f over %d tensors%n", model, table.spearman(),
                    table.tensors().size()));
            for (GgmlType q : List.of(GgmlType.Q2_K, GgmlType.Q4_K)) {
                double[] predicted = new double[table.tensors().size()];
                double[] real = new double[predicted.length];
                for (int i = 0; i < predicted.length; i++) {
                    TensorProbe p = table.tensors().get(i);
                    GgmlType type = QuantRegistry.fallbackFor(q, al.model().tensor(p.name()).rowLength());
                    double e = al.errors().get(p.name()).stream().filter(o -> o.type() == type).findFirst()
                            .orElseThrow().error();
                    predicted[i] = p.slope() * e;
                    real[i] = al.measure(calib, Map.of(p.name(), type));
                }
                double rho = Spearman.correlation(predicted, real);
                report.append(String.format(Locale.ROOT, "  %s alone: Spearman(predicted, real KLD) %.3f;"
                        + " sum predicted %.5f, sum real %.5f%n", q, rho, sum(predicted), sum(real)));
                assertThat(rho).as(q.name()).isGreaterThan(0.8);
            }
            report.append(sampleAccuracy(al.model(), imatrix));
            System.out.print(report);
            assertThat(table.spearman()).isLessThan(0.9);   // the Hessian figure alone ranks tensors differently
        }
    }

    /** Relative deviation of a 256-row sample's error from the whole tensor's, over every tensor of more rows and
     * every quantized candidate. */
    private static String sampleAccuracy(GgufModel m, Imatrix imatrix) {
        List<Double> deviations = new ArrayList<>();
        for (TensorInfo t : m.tensors()) {
            if (!QuantizableTensors.allowsQuantization(t) || t.rows() <= 256) {
                continue;
            }
            float[] importance = TensorErrors.importance(imatrix, t);
            List<TypeOption> full = TensorErrors.measure(m, t, importance, Integer.MAX_VALUE, 32);
            List<TypeOption> sample = TensorErrors.measure(m, t, importance, 256, 32);
            for (int i = 0; i < full.size(); i++) {
                if (!full.get(i).type().isQuantized()) {
                    continue;   // F16/BF16 of a 16-bit source: no error to estimate
                }
                deviations.add(Math.abs(sample.get(i).error() / full.get(i).error() - 1));
            }
        }
        Collections.sort(deviations);
        return String.format(Locale.ROOT, "  256-row samples against whole tensors (%d tensor-types): |relative"
                        + " deviation| median %.4f, 90th percentile %.4f, max %.4f%n", deviations.size(),
                deviations.get(deviations.size() / 2), deviations.get(deviations.size() * 9 / 10), deviations.getLast());
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
