package org.bitclass.gguf;

import org.bitclass.quant.ModelQuantizer;
import org.bitclass.quant.FileType;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** In-memory tensor replacement, and the file size computed without writing the file. */
class GgufModelReplaceTest {

    private static final Path MINIMA = SharedData.path("models/minima-qwen3-f32.gguf");

    @TempDir
    Path dir;

    @Test
    void aReplacedTensorIsReadFromMemoryWithItsNewType() throws Exception {
        try (GgufModel m = GgufModel.open(MINIMA); Arena arena = Arena.ofConfined()) {
            TensorInfo v = m.tensor("blk.0.attn_v.weight");
            MemorySegment q = arena.allocate(v.withType(GgmlType.Q8_0).nBytes());
            q.fill((byte) 7);
            m.replace(v.name(), GgmlType.Q8_0, q);
            TensorInfo now = m.tensor(v.name());
            assertThat(now.type()).isEqualTo(GgmlType.Q8_0);
            assertThat(m.data(now).byteSize()).isEqualTo(q.byteSize());
            assertThat(m.data(now).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5)).isEqualTo((byte) 7);
            assertThat(m.tensors()).contains(now).doesNotContain(v);
            assertThatThrownBy(() -> m.replace(v.name(), GgmlType.Q4_K, q)).hasMessageContaining("takes");
        }
    }

    @Test
    void theComputedFileSizeIsTheWrittenOne() throws Exception {
        Path out = dir.resolve("q.gguf");
        try (GgufModel m = GgufModel.open(MINIMA)) {
            ModelQuantizer q = new ModelQuantizer(t -> t.name().contains("ffn") ? GgmlType.Q4_K : GgmlType.Q6_K,
                    FileType.Q4_K_M, null, null, false, 2);
            q.quantize(m, out, (i, n, from, to) -> { });
            assertThat(GgufWriter.fileSize(q.metadata(m.metadata()), q.plan(m))).isEqualTo(Files.size(out));
        }
    }
}
