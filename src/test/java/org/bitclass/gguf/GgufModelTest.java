package org.bitclass.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufModelTest {

    @TempDir
    Path tmp;

    @Test
    void splitModelReadsAsOne() throws IOException {
        writePart(1, 3, "first", 1f);
        writePart(2, 3, "second", 2f);
        writePart(3, 3, "third", 3f);
        try (GgufModel model = GgufModel.open(tmp.resolve("m-00002-of-00003.gguf"))) {
            assertThat(model.parts()).hasSize(3);
            assertThat(model.tensors()).extracting(TensorInfo::name).containsExactly("first", "second", "third");
            assertThat(model.data("third").get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4)).isEqualTo(3f);
            assertThat(model.metadata().getInt("split.no")).isZero();
        }
    }

    @Test
    void missingSplitPartIsNamed() throws IOException {
        writePart(1, 2, "first", 1f);
        assertThatThrownBy(() -> GgufModel.open(tmp.resolve("m-00001-of-00002.gguf")))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("m-00002-of-00002.gguf");
    }

    @Test
    void wrongSplitCountIsRejected() throws IOException {
        writePart(1, 2, "first", 1f);
        writePart(2, 2, "second", 1f);
        Files.move(tmp.resolve("m-00001-of-00002.gguf"), tmp.resolve("m-00001-of-00001.gguf"));
        assertThatThrownBy(() -> GgufModel.open(tmp.resolve("m-00001-of-00001.gguf")))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("split.count is 2");
    }

    private void writePart(int no, int count, String tensor, float value) throws IOException {
        GgufMetadata meta = new GgufMetadata();
        if (no == 1) {
            meta.putString("general.architecture", "test");
        }
        meta.put("split.no", new GgufValue(GgufValueType.UINT16, (short) (no - 1)));
        meta.put("split.count", new GgufValue(GgufValueType.UINT16, (short) count));
        Path path = tmp.resolve(String.format("m-%05d-of-%05d.gguf", no, count));
        try (GgufWriter w = GgufWriter.create(path, meta, List.of(new TensorInfo(tensor, new long[]{4}, GgmlType.F32, 0)))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 4; i++) {
                b.putFloat(value);
            }
            w.append(b.array());
            w.commit();
        }
    }
}
