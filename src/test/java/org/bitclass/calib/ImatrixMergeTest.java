package org.bitclass.calib;

import org.bitclass.quant.Imatrix;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImatrixMergeTest {

    @Test
    void rawSumsAndCountsAddSoEachFileWeighsByItsTokens() {
        Imatrix a = Imatrix.of(Map.of("blk.0.ffn_up.weight", new Imatrix.Entry(new float[]{1, 2}, new long[]{1024},
                new float[]{0.5f, -1})), List.of("a.txt"), 2, 512);
        Imatrix b = Imatrix.of(Map.of("blk.0.ffn_up.weight", new Imatrix.Entry(new float[]{3, 10}, new long[]{512},
                        new float[]{1, 1}),
                "blk.0.ffn_down.weight", new Imatrix.Entry(new float[]{7}, new long[]{512})), List.of("b.txt"), 1, 512);
        Imatrix m = ImatrixMerge.merge(List.of(a, b), 512);

        Imatrix.Entry up = m.entry("blk.0.ffn_up.weight").orElseThrow();
        assertThat(up.sums()).containsExactly(4, 12);
        assertThat(up.counts()).containsExactly(1536);
        assertThat(up.inputSums()).containsExactly(1.5f, 0);
        // the mean is token-weighted: (1 + 3) / (1024 + 512)
        assertThat(m.importance("blk.0.ffn_up.weight").orElseThrow()[0]).isEqualTo(4f / 1536);
        assertThat(m.entry("blk.0.ffn_down.weight").orElseThrow().counts()).containsExactly(512);
        assertThat(m.datasets()).containsExactly("a.txt", "b.txt");
        assertThat(m.chunkCount()).isEqualTo(3);
        assertThat(m.chunkSize()).isEqualTo(512);
    }

    @Test
    void inputSumsAreDroppedWhereAFileLacksThem() {
        Imatrix a = Imatrix.of(Map.of("e", new Imatrix.Entry(new float[]{1}, new long[]{1}, new float[]{1})), List.of(), 0, 16);
        Imatrix b = Imatrix.of(Map.of("e", new Imatrix.Entry(new float[]{1}, new long[]{1})), List.of(), 0, 16);
        assertThat(ImatrixMerge.merge(List.of(a, b), 16).entry("e").orElseThrow().inputSums()).isNull();
        assertThat(ImatrixMerge.merge(List.of(b, a), 16).entry("e").orElseThrow().inputSums()).isNull();
    }

    @Test
    void aDenseCountSpreadsOverExpertsAndMismatchesAreErrors() {
        Imatrix dense = Imatrix.of(Map.of("x", new Imatrix.Entry(new float[]{1, 1, 1, 1}, new long[]{5})), List.of(), 0, 8);
        Imatrix experts = Imatrix.of(Map.of("x", new Imatrix.Entry(new float[]{1, 2, 3, 4}, new long[]{1, 2})), List.of(), 0, 8);
        Imatrix m = ImatrixMerge.merge(List.of(dense, experts), 8);
        assertThat(m.entry("x").orElseThrow().counts()).containsExactly(6, 7);
        assertThat(m.entry("x").orElseThrow().sums()).containsExactly(2, 3, 4, 5);

        Imatrix three = Imatrix.of(Map.of("x", new Imatrix.Entry(new float[]{1, 2, 3}, new long[]{1})), List.of(), 0, 8);
        assertThatThrownBy(() -> ImatrixMerge.merge(List.of(dense, three), 8)).hasMessageContaining("'x' has 3 values");
    }

    /** The probe imatrix in both formats: the legacy file counts chunk-size tokens per recorded chunk. */
    @Test
    void legacyFilesBecomeRawSumsAtTheGivenChunkSize() throws IOException {
        Imatrix gguf = Imatrix.read(SharedData.path("golden/quant/probe.imatrix.gguf"));
        Imatrix dat = Imatrix.read(SharedData.path("golden/quant/probe.imatrix.dat"));
        Imatrix m = ImatrixMerge.merge(List.of(gguf, dat), 256);
        assertThat(m.names()).isEqualTo(gguf.names());
        assertThat(m.chunkCount()).isEqualTo(16);
        assertThat(m.datasets()).containsExactly("kjv-calib.txt", "kjv-calib.txt");
        for (String name : gguf.names()) {
            Imatrix.Entry g = gguf.entry(name).orElseThrow();
            Imatrix.Entry d = dat.entry(name).orElseThrow();
            Imatrix.Entry e = m.entry(name).orElseThrow();
            assertThat(e.counts()).containsExactly(g.counts()[0] + d.counts()[0] * 256);
            float[] expected = g.sums();
            float[] legacy = d.sums();
            for (int j = 0; j < expected.length; j++) {
                expected[j] += legacy[j] * 256;
            }
            assertThat(e.sums()).as(name).containsExactly(expected);
            float[] merged = m.importance(name).orElseThrow();
            float[] alone = gguf.importance(name).orElseThrow();
            for (int j = 0; j < merged.length; j++) {
                assertThat(merged[j]).isCloseTo(alone[j], org.assertj.core.api.Assertions.withinPercentage(1e-3));
            }
        }
    }
}
