package org.bitclass.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufRoundTripTest {

    @TempDir
    Path tmp;

    static List<Path> sharedFiles() {
        return SharedGgufFiles.all();
    }

    @ParameterizedTest
    @MethodSource("sharedFiles")
    void readThenWriteGivesIdenticalBytes(Path source) throws IOException {
        Path copy = tmp.resolve("copy.gguf");
        try (GgufFile in = GgufFile.open(source);
             GgufWriter out = GgufWriter.createLike(in, copy, in.metadata(), in.tensors())) {
            assertThat(out.tensors()).isEqualTo(in.tensors()); // offsets laid out as llama.cpp lays them out
            for (TensorInfo t : in.tensors()) {
                out.append(in.data(t));
            }
            out.commit();
        }
        assertThat(Files.mismatch(source, copy)).as("first differing byte").isEqualTo(-1L);
        assertThat(tmp.toFile().list()).containsExactly("copy.gguf");
    }

    @Test
    void sharedDataHoldsTheExpectedFiles() {
        assertThat(sharedFiles()).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    void unfinishedOutputLeavesNothingBehind() throws IOException {
        Path target = tmp.resolve("out.gguf");
        GgufMetadata meta = new GgufMetadata().putString("general.architecture", "test");
        List<TensorInfo> tensors = List.of(new TensorInfo("a", new long[]{8, 2}, GgmlType.F32, 0));
        try (GgufWriter w = GgufWriter.create(target, meta, tensors)) {
            w.append(new byte[20]);
            assertThat(tmp.toFile().list()).hasSize(1).noneMatch(n -> n.equals("out.gguf"));
            assertThatThrownBy(w::commit).hasMessageContaining("'a' was not written");
        }
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void existingTargetIsReplacedOnlyOnCommit() throws IOException {
        Path target = tmp.resolve("out.gguf");
        Files.writeString(target, "old");
        GgufMetadata meta = new GgufMetadata().putUInt32("general.alignment", 64);
        List<TensorInfo> tensors = List.of(new TensorInfo("a", new long[]{3}, GgmlType.F32, 0),
                new TensorInfo("b", new long[]{32}, GgmlType.Q8_0, 0));
        try (GgufWriter w = GgufWriter.create(target, meta, tensors)) {
            w.append(new byte[12]);
            assertThat(Files.readString(target)).isEqualTo("old");
            byte[] q8 = new byte[34];
            q8[33] = 7;
            w.append(q8);
            w.commit();
        }
        try (GgufFile f = GgufFile.open(target)) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            assertThat(f.tensor("b").offset()).isEqualTo(64);
            assertThat(f.data("b").get(java.lang.foreign.ValueLayout.JAVA_BYTE, 33)).isEqualTo((byte) 7);
            assertThat(f.fileSize()).isEqualTo(f.dataOffset() + 128);
        }
    }
}
