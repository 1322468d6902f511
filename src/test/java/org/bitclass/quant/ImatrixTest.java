package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImatrixTest {

    private static final Path GGUF = SharedData.path("golden/quant/probe.imatrix.gguf");
    private static final Path DAT = SharedData.path("golden/quant/probe.imatrix.dat");

    @Test
    void bothFormatsOfTheProbeImatrixGiveTheSameImportance() throws IOException {
        Imatrix gguf = Imatrix.read(GGUF);
        Imatrix dat = Imatrix.read(DAT);

        assertThat(gguf.isLegacy()).isFalse();
        assertThat(dat.isLegacy()).isTrue();
        assertThat(gguf.entryCount()).isEqualTo(14);
        assertThat(dat.names()).isEqualTo(gguf.names());
        for (String name : gguf.names()) {
            float[] a = gguf.importance(name).orElseThrow();
            float[] b = dat.importance(name).orElseThrow();
            assertThat(b).as(name).containsExactly(a);
            for (float v : a) {
                assertThat(v).as(name).isFinite().isNotNegative();
            }
        }
        assertThat(gguf.names()).contains("blk.0.attn_q.weight", "blk.1.ffn_down.weight");
        assertThat(gguf.importance("token_embd.weight")).isEmpty();
    }

    @Test
    void metadataOfBothFormats() throws IOException {
        Imatrix gguf = Imatrix.read(GGUF);
        Imatrix dat = Imatrix.read(DAT);
        assertThat(gguf.datasets()).containsExactly("kjv-calib.txt");
        assertThat(dat.datasets()).containsExactly("kjv-calib.txt");
        assertThat(gguf.chunkCount()).isEqualTo(8);
        assertThat(dat.chunkCount()).isEqualTo(8);
        assertThat(gguf.chunkSize()).isEqualTo(256);
        assertThat(dat.chunkSize()).isZero();
        Imatrix.Entry q = gguf.entry("blk.0.attn_q.weight").orElseThrow();
        assertThat(q.counts()).containsExactly(8 * 256);
        assertThat(q.sums()).hasSize(256);
    }

    @Test
    void importanceForATensorFollowsLlamaQuantizesSizeRules() throws IOException {
        Imatrix m = Imatrix.read(GGUF);
        var q = new TensorInfo("blk.0.attn_q.weight", new long[]{256, 256}, GgmlType.F32, 0);
        assertThat(m.importanceFor(q).orElseThrow()).hasSize(256);
        var wrong = new TensorInfo("blk.0.attn_q.weight", new long[]{128, 256}, GgmlType.F32, 0);
        assertThatThrownBy(() -> m.importanceFor(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("imatrix size 256 is different from tensor size 128 for blk.0.attn_q.weight");
        var embd = new TensorInfo("token_embd.weight", new long[]{256, 4101}, GgmlType.F32, 0);
        assertThat(m.importanceFor(embd)).isEmpty();

        Imatrix experts = Imatrix.of(Map.of("token_embd.weight", new Imatrix.Entry(new float[6], new long[]{1, 1, 1}),
                "blk.0.ffn_up_exps.weight", new Imatrix.Entry(new float[6], new long[]{1, 1, 1})), List.of(), 1, 1);
        assertThat(experts.importanceFor(embd)).isEmpty();
        var exps = new TensorInfo("blk.0.ffn_up_exps.weight", new long[]{2, 5, 3}, GgmlType.F32, 0);
        assertThat(experts.importanceFor(exps).orElseThrow()).hasSize(6);
    }

    @Test
    void importanceIsTheMeanPerMatrixAndOnesWhereAMatrixSawNothing() {
        Imatrix m = Imatrix.of(Map.of("e.weight", new Imatrix.Entry(
                new float[]{3, 6, 9, 12, 5, 7}, new long[]{3, 0, 2})), List.of("d"), 1, 4);
        assertThat(m.importance("e.weight").orElseThrow()).containsExactly(1, 2, 1, 1, 2.5f, 3.5f);
    }

    @Test
    void expertEntriesRoundTripThroughGgufAsOneMatrixPerExpert(@TempDir Path dir) throws IOException {
        Imatrix m = Imatrix.of(Map.of("blk.0.ffn_up_exps.weight", new Imatrix.Entry(
                new float[]{3, 6, 9, 12, 5, 7}, new long[]{3, 0, 2})), List.of("a.txt", "b.txt"), 5, 64);
        Path out = dir.resolve("experts.gguf");
        m.writeGguf(out);
        try (var file = GgufFile.open(out)) {
            assertThat(file.tensor("blk.0.ffn_up_exps.weight.in_sum2").shape()).containsExactly(2, 3);
            assertThat(file.tensor("blk.0.ffn_up_exps.weight.counts").shape()).containsExactly(1, 3);
        }
        Imatrix back = Imatrix.read(out);
        assertThat(back.datasets()).containsExactly("a.txt", "b.txt");
        assertThat(back.chunkCount()).isEqualTo(5);
        assertThat(back.chunkSize()).isEqualTo(64);
        assertThat(back.entry("blk.0.ffn_up_exps.weight").orElseThrow().counts()).containsExactly(3, 0, 2);
        assertThat(back.importance("blk.0.ffn_up_exps.weight").orElseThrow())
                .containsExactly(m.importance("blk.0.ffn_up_exps.weight").orElseThrow());
    }

    @Test
    void writingGgufReproducesLlamaImatrixBytes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("copy.imatrix.gguf");
        Imatrix.read(GGUF).writeGguf(out);
        assertThat(Files.mismatch(out, GGUF)).isEqualTo(-1L);
    }

    @Test
    void writingDatFromGgufDataReproducesLlamaImatrixBytes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("copy.imatrix.dat");
        Imatrix.read(GGUF).writeDat(out);
        assertThat(Files.mismatch(out, DAT)).isEqualTo(-1L);
    }

    @Test
    void legacyDataRoundTripsThroughDatAndConvertsToGgufGivenAChunkSize(@TempDir Path dir) throws IOException {
        Imatrix dat = Imatrix.read(DAT);
        Path copy = dir.resolve("copy.dat");
        dat.writeDat(copy);
        assertThat(Files.mismatch(copy, DAT)).isEqualTo(-1L);

        assertThatThrownBy(() -> dat.writeGguf(dir.resolve("x.gguf")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("chunk size");
        Path gguf = dir.resolve("converted.gguf");
        dat.withChunkSize(256).writeGguf(gguf);
        Imatrix back = Imatrix.read(gguf);
        assertThat(back.isLegacy()).isFalse();
        for (String name : dat.names()) {
            assertThat(back.importance(name).orElseThrow()).containsExactly(dat.importance(name).orElseThrow());
        }
    }

    @Test
    void truncatedLegacyFileIsRejectedWithAClearMessage(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(DAT);
        Path cut = dir.resolve("cut.dat");
        Files.write(cut, Arrays.copyOf(all, 100));
        assertThatThrownBy(() -> Imatrix.read(cut))
                .isInstanceOf(ImatrixFormatException.class).hasMessageContaining("file ends while reading");
    }
}
