package org.bitclass.calib;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SensitivityAnalysisTest {

    /** A tiny model: name → {cols, rows}; blk.1.attn_q is stored as Q8_0, the others as F32. */
    private static final Map<String, int[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("blk.0.attn_q.weight", new int[]{4, 3});
        SHAPES.put("blk.0.ffn_down.weight", new int[]{6, 2});
        SHAPES.put("blk.1.attn_q.weight", new int[]{32, 2});
        SHAPES.put("output.weight", new int[]{4, 5});
    }

    @Test
    void statisticsEqualADirectComputation(@TempDir Path dir) throws IOException {
        Random rnd = new Random(11);
        Map<String, float[][]> weights = new HashMap<>();
        Path model = writeModel(dir.resolve("tiny.gguf"), rnd, weights);
        Map<String, Imatrix.Entry> entries = new LinkedHashMap<>();
        for (var e : SHAPES.entrySet()) {
            float[] sums = new float[e.getValue()[0]];
            for (int j = 0; j < sums.length; j++) {
                sums[j] = (float) (rnd.nextDouble() * 100);
            }
            entries.put(e.getKey(), new Imatrix.Entry(sums, new long[]{1 + rnd.nextInt(50)}));
        }
        Imatrix imatrix = Imatrix.of(entries, List.of("t.txt"), 3, 16);

        SensitivityReport report;
        try (GgufModel gguf = GgufModel.open(model)) {
            report = SensitivityAnalysis.analyze(gguf, imatrix);
        }

        double total = 0;
        Map<String, Double> expected = new HashMap<>();
        for (var e : SHAPES.entrySet()) {
            float[][] w = weights.get(e.getKey());
            Imatrix.Entry entry = entries.get(e.getKey());
            double s = 0;
            double hTotal = 0;
            double w2 = 0;
            for (int j = 0; j < e.getValue()[0]; j++) {
                double h = entry.sums()[j] / (float) entry.counts()[0];
                hTotal += h;
                for (float[] row : w) {
                    s += h * row[j] * row[j];
                    w2 += (double) row[j] * row[j];
                }
            }
            expected.put(e.getKey(), s);
            total += s;
            TensorSensitivity t = find(report, e.getKey());
            assertThat(t.sensitivity()).as(e.getKey()).isCloseTo(s, within(1e-9 * s));
            assertThat(t.hTotal()).isCloseTo(hTotal, within(1e-9 * hTotal));
            assertThat(t.hMean()).isCloseTo(hTotal / e.getValue()[0], within(1e-9 * hTotal));
            assertThat(t.weightSquares()).isCloseTo(w2, within(1e-9 * w2));
            assertThat(t.params()).isEqualTo((long) e.getValue()[0] * e.getValue()[1]);
            assertThat(t.tokens()).isEqualTo(entry.counts()[0]);
        }
        assertThat(report.totalSensitivity()).isCloseTo(total, within(1e-9 * total));
        assertThat(find(report, "blk.1.attn_q.weight").type()).isEqualTo("Q8_0");
        assertThat(find(report, "output.weight").layer()).isEqualTo(-1);
        assertThat(find(report, "output.weight").role()).isEqualTo("output");

        // groups: layer 0 sums two tensors, the attn_q role sums two layers; the head is in no layer
        GroupSensitivity layer0 = report.layers().stream().filter(g -> g.key().equals("0")).findFirst().orElseThrow();
        double l0 = expected.get("blk.0.attn_q.weight") + expected.get("blk.0.ffn_down.weight");
        assertThat(layer0.sensitivity()).isCloseTo(l0, within(1e-9 * l0));
        assertThat(layer0.params()).isEqualTo(12 + 12);
        assertThat(layer0.columns()).isEqualTo(10);
        assertThat(report.layers()).extracting(GroupSensitivity::key).containsExactlyInAnyOrder("0", "1");
        GroupSensitivity attnQ = report.roles().stream().filter(g -> g.key().equals("attn_q")).findFirst().orElseThrow();
        double q = expected.get("blk.0.attn_q.weight") + expected.get("blk.1.attn_q.weight");
        assertThat(attnQ.sensitivity()).isCloseTo(q, within(1e-9 * q));
        assertThat(attnQ.sensitivityPerWeight()).isCloseTo(q / (12 + 64), within(1e-9 * q));
        assertThat(report.roles()).extracting(GroupSensitivity::key).containsExactlyInAnyOrder("attn_q", "ffn_down", "output");

        assertDescending(report);
        assertThat(report.tensors().stream().mapToDouble(TensorSensitivity::share).sum()).isCloseTo(1, within(1e-12));
    }

    @Test
    void jsonRoundTripsAndNamesItsSchema(@TempDir Path dir) throws IOException {
        SensitivityReport report = minimaReport();
        Path json = dir.resolve("s.json");
        report.writeJson(json);
        assertThat(java.nio.file.Files.readString(json)).contains("\"schema\" : \"bitclass.sensitivity/1\"",
                "\"sensitivity_per_weight\"", "\"h_mean\"", "\"chunk_size\" : 512");
        assertThat(SensitivityReport.readJson(json)).isEqualTo(report);
    }

    @Test
    void minimaRanksItsEightLayersAndSevenRoles() throws IOException {
        SensitivityReport report = minimaReport();
        assertThat(report.tensors()).hasSize(56);
        assertThat(report.layers()).hasSize(8);
        Set<String> roles = report.roles().stream().map(GroupSensitivity::key).collect(Collectors.toSet());
        assertThat(roles).containsExactlyInAnyOrder("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down");
        for (TensorSensitivity t : report.tensors()) {
            assertThat(t.sensitivity()).as(t.name()).isPositive();
            assertThat(t.tokens()).isEqualTo(129 * 512);
            // Σ_j H_jj Σ_i w_ij² lies between min H and max H times Σ w²
            assertThat(t.sensitivity()).isLessThanOrEqualTo(t.hMax() * t.weightSquares() * (1 + 1e-12));
        }
        // q, k and v (and gate and up) share their input, so their mean H is the same
        TensorSensitivity q = find(report, "blk.3.attn_q.weight");
        TensorSensitivity k = find(report, "blk.3.attn_k.weight");
        assertThat(q.hTotal()).isEqualTo(k.hTotal());
        assertDescending(report);
    }

    private static SensitivityReport minimaReport() throws IOException {
        Imatrix golden = Imatrix.read(SharedData.path("golden/eval/minima.imatrix.gguf"));
        try (GgufModel gguf = GgufModel.open(SharedData.path("models/minima-qwen3-f32.gguf"))) {
            return SensitivityAnalysis.analyze(gguf, golden);
        }
    }

    private static void assertDescending(SensitivityReport report) {
        for (List<Double> values : List.of(
                report.tensors().stream().map(TensorSensitivity::sensitivity).toList(),
                report.layers().stream().map(GroupSensitivity::sensitivity).toList(),
                report.roles().stream().map(GroupSensitivity::sensitivity).toList())) {
            assertThat(values).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        }
    }

    private static TensorSensitivity find(SensitivityReport report, String name) {
        return report.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** Writes the tiny model with random weights and returns them as decoded (what the analysis must see). */
    private static Path writeModel(Path path, Random rnd, Map<String, float[][]> decoded) throws IOException {
        List<TensorInfo> infos = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (var e : SHAPES.entrySet()) {
            int cols = e.getValue()[0];
            int rows = e.getValue()[1];
            GgmlType type = cols == 32 ? GgmlType.Q8_0 : GgmlType.F32;
            QuantCodec codec = QuantRegistry.codec(type);
            long rowBytes = type.bytesFor(cols);
            float[][] w = new float[rows][cols];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(rowBytes * rows);
                for (int r = 0; r < rows; r++) {
                    float[] src = new float[cols];
                    for (int j = 0; j < cols; j++) {
                        src[j] = (float) rnd.nextGaussian();
                    }
                    codec.quantizeRow(src, 0, cols, null, seg, r * rowBytes);
                    codec.dequantize(seg, r * rowBytes, w[r], 0, cols);
                }
                data.add(seg.toArray(ValueLayout.JAVA_BYTE));
            }
            decoded.put(e.getKey(), w);
            infos.add(new TensorInfo(e.getKey(), new long[]{cols, rows}, type, 0));
        }
        try (GgufWriter w = GgufWriter.create(path, new GgufMetadata().putString("general.architecture", "test"), infos)) {
            for (byte[] b : data) {
                w.append(b);
            }
            w.commit();
        }
        return path;
    }
}
