package org.bitclass.eval.health;

import org.bitclass.gguf.GgufModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Outlier detection on synthetic 8-layer models with planted anomalies. */
class HealthReportTest {

    private static final int LAYERS = 8;

    @TempDir
    Path dir;

    private static float[] normal(Random rnd, int n, double sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return v;
    }

    /** Eight healthy layers of attn_q and ffn_down, with {@code plant} free to damage some. */
    private HealthReport scan(long seed, java.util.function.BiConsumer<String, float[]> plant) throws IOException {
        Random rnd = new Random(seed);
        SyntheticModel model = new SyntheticModel();
        model.add("token_embd.weight", new long[] {128, 300}, normal(rnd, 128 * 300, 0.05));
        for (int l = 0; l < LAYERS; l++) {
            float[] q = normal(rnd, 128 * 128, 0.02 + 0.001 * l); // layers differ a little, as trained ones do
            float[] down = normal(rnd, 384 * 128, 0.03);
            plant.accept("blk." + l + ".attn_q.weight", q);
            plant.accept("blk." + l + ".ffn_down.weight", down);
            model.add("blk." + l + ".attn_q.weight", new long[] {128, 128}, q);
            model.add("blk." + l + ".ffn_down.weight", new long[] {384, 128}, down);
        }
        Path file = model.write(dir.resolve("model-" + seed + ".gguf"));
        try (GgufModel m = GgufModel.open(file)) {
            return HealthReport.of(m.tensors().stream().map(t -> TensorScanner.scan(m, t)).toList(), List.of());
        }
    }

    private static Map<String, List<HealthStat>> flagged(HealthReport r) {
        return r.flagged().stream().collect(Collectors.toMap(e -> e.tensor().name(), HealthReport.Entry::flags));
    }

    @Test
    void healthyLayersAreNotFlagged() throws IOException {
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(flagged(scan(seed, (name, v) -> { }))).as("seed %d", seed).isEmpty();
        }
    }

    @Test
    void aLayerWithOutlierWeightsIsFlaggedForItsTails() throws IOException {
        HealthReport r = scan(42, (name, v) -> {
            if (name.equals("blk.5.ffn_down.weight")) {
                for (int i = 0; i < v.length; i += 997) {
                    v[i] *= 40; // 0.1 % of the weights blown up
                }
            }
        });
        Map<String, List<HealthStat>> flagged = flagged(r);
        assertThat(flagged).containsOnlyKeys("blk.5.ffn_down.weight");
        assertThat(flagged.get("blk.5.ffn_down.weight"))
                .contains(HealthStat.EXCESS_KURTOSIS, HealthStat.MAX_ABS, HealthStat.BEYOND_6_SIGMA);
        HealthReport.Entry outlier = r.flagged().getFirst();
        assertThat(outlier.z().get(HealthStat.EXCESS_KURTOSIS)).isGreaterThan(HealthReport.THRESHOLD);
    }

    @Test
    void aRescaledLayerIsFlaggedForScaleButNotShape() throws IOException {
        HealthReport r = scan(43, (name, v) -> {
            if (name.equals("blk.2.attn_q.weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] *= 3;
                }
            }
        });
        Map<String, List<HealthStat>> flagged = flagged(r);
        assertThat(flagged).containsOnlyKeys("blk.2.attn_q.weight");
        assertThat(flagged.get("blk.2.attn_q.weight")).contains(HealthStat.STD, HealthStat.MAX_ABS)
                .doesNotContain(HealthStat.SKEWNESS, HealthStat.EXCESS_KURTOSIS);
    }

    @Test
    void tensorsWithoutEnoughPeersAreNotScored() throws IOException {
        HealthReport r = scan(44, (name, v) -> { });
        HealthReport.Entry embd = r.entries().getFirst();
        assertThat(embd.tensor().name()).isEqualTo("token_embd.weight");
        assertThat(embd.z()).isEmpty();
        assertThat(r.roles()).extracting(HealthReport.Role::role).containsExactly("attn_q", "ffn_down");
        assertThat(r.toJson("m.gguf").get("tensors").get(0).get("z").isNull()).isTrue();
        assertThat(r.toJson("m.gguf").get("tensors").get(1).get("z").get("excess_kurtosis").isNumber()).isTrue();
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertThat(HealthReport.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(HealthReport.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }
}
