package org.bitclass.gguf;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged files must give a {@link GgufFormatException} or a valid parse whose tensors all lie inside the
 * file: never another exception, an OutOfMemoryError or a hang. Each file gets 400 seeded mutations of its
 * header (byte flips, huge counts, truncation), 1,600 in all.
 */
class GgufMutationTest {

    private static final int MUTATIONS_PER_FILE = 400;

    @ParameterizedTest
    @ValueSource(strings = {"models/minima-qwen3-bf16.gguf", "models/qwen35-mini.gguf",
            "golden/quant/probe-Q4_K.gguf", "golden/tokenizer/llama-spm-vocab.gguf"})
    void damagedHeadersFailCleanly(String file) throws IOException {
        Path path = SharedData.path(file);
        byte[] original = Files.readAllBytes(path);
        long headerEnd;
        try (GgufFile f = GgufFile.open(path)) {
            headerEnd = f.dataOffset();
        }
        Random random = new Random(file.hashCode());
        int clean = 0;
        int rejected = 0;
        for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
            byte[] bytes = original.clone();
            int length = mutate(bytes, (int) headerEnd, random, i % 4);
            MemorySegment seg = MemorySegment.ofArray(bytes).asSlice(0, length);
            try {
                GgufHeaderParser.Header h = GgufHeaderParser.parse(path, seg);
                for (TensorInfo t : h.tensors()) { // a valid parse: every tensor must be readable
                    long end = h.dataOffset() + t.offset() + t.nBytes();
                    assertThat(end).isLessThanOrEqualTo(length);
                    if (t.nBytes() > 0) {
                        seg.get(ValueLayout.JAVA_BYTE, end - 1);
                    }
                }
                clean++;
            } catch (GgufFormatException e) {
                assertThat(e.getMessage()).startsWith(path.toString()).doesNotContain("\n");
                rejected++;
            }
        }
        assertThat(clean + rejected).isEqualTo(MUTATIONS_PER_FILE);
        assertThat(rejected).as("most header damage is detected").isGreaterThan(MUTATIONS_PER_FILE / 4);
    }

    /** Applies one kind of damage and returns the file length to use. */
    private static int mutate(byte[] bytes, int headerEnd, Random random, int kind) {
        int at = random.nextInt(Math.min(headerEnd + 64, bytes.length));
        switch (kind) {
            case 0 -> { // flip a few bits
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    bytes[random.nextInt(headerEnd)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // an absurd 64-bit value where a count or length may be
                if (at + 8 <= bytes.length) {
                    long huge = random.nextBoolean() ? -1L - random.nextInt(1000) : 1L << (20 + random.nextInt(43));
                    ByteBuffer.wrap(bytes, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(huge);
                }
            }
            case 2 -> { // random bytes over a stretch
                for (int k = at; k < Math.min(bytes.length, at + 1 + random.nextInt(16)); k++) {
                    bytes[k] = (byte) random.nextInt(256);
                }
            }
            default -> { // truncation anywhere, header or data
                return random.nextInt(bytes.length);
            }
        }
        return bytes.length;
    }
}
