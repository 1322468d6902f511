package org.bitclass.gguf;

import org.bitclass.testutil.FileFuzzer;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged files must give a {@link GgufFormatException} or a valid parse whose tensors all lie inside the
 * file: never another exception, an OutOfMemoryError or a hang. Each file gets seeded mutations of its header
 * ({@link FileFuzzer#mutate}): 400 per file by default, 2,500 per file (10,000 in all) in the slow run.
 */
class GgufMutationTest {

    private static final List<String> FILES = List.of("models/minima-qwen3-bf16.gguf", "models/qwen35-mini.gguf",
            "golden/quant/probe-Q4_K.gguf", "golden/tokenizer/llama-spm-vocab.gguf");

    @ParameterizedTest
    @ValueSource(strings = {"models/minima-qwen3-bf16.gguf", "models/qwen35-mini.gguf",
            "golden/quant/probe-Q4_K.gguf", "golden/tokenizer/llama-spm-vocab.gguf"})
    void damagedHeadersFailCleanly(String file) throws IOException {
        int rejected = damage(file, 400);
        assertThat(rejected).as("most header damage is detected").isGreaterThan(100);
    }

    @Test
    @Tag("slow")
    void tenThousandDamagedHeadersFailCleanly() throws IOException {
        for (String file : FILES) {
            int rejected = damage(file, 2_500);
            System.out.printf("GGUF header fuzzing, %s: 2500 cases, %d rejected cleanly, %d parsed, 0 crashes%n",
                    file, rejected, 2_500 - rejected);
        }
    }

    /** Runs {@code cases} mutations of {@code file}'s header through the parser; returns how many it rejected. */
    private static int damage(String file, int cases) throws IOException {
        Path path = SharedData.path(file);
        byte[] original = Files.readAllBytes(path);
        long headerEnd;
        try (GgufFile f = GgufFile.open(path)) {
            headerEnd = f.dataOffset();
        }
        Random random = new Random(file.hashCode());
        int rejected = 0;
        for (int i = 0; i < cases; i++) {
            byte[] bytes = original.clone();
            int length = FileFuzzer.mutate(bytes, (int) headerEnd, random, i % 4);
            MemorySegment seg = MemorySegment.ofArray(bytes).asSlice(0, length);
            long start = System.nanoTime();
            try {
                GgufHeaderParser.Header h = GgufHeaderParser.parse(path, seg);
                for (TensorInfo t : h.tensors()) { // a valid parse: every tensor must be readable
                    long end = h.dataOffset() + t.offset() + t.nBytes();
                    assertThat(end).isLessThanOrEqualTo(length);
                    if (t.nBytes() > 0) {
                        seg.get(ValueLayout.JAVA_BYTE, end - 1);
                    }
                }
            } catch (GgufFormatException e) {
                assertThat(e.getMessage()).startsWith(path.toString()).doesNotContain("\n");
                rejected++;
            }
            assertThat(System.nanoTime() - start).as("case %d of %s", i, file).isLessThan(FileFuzzer.HANG_NANOS);
        }
        return rejected;
    }
}
