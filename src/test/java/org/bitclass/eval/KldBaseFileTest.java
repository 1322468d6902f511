package org.bitclass.eval;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Reading and writing llama.cpp's kld-base files, checked on the golden file llama-perplexity wrote. */
class KldBaseFileTest {

    private static final Path GOLDEN = SharedData.path("golden/eval/minima-F32.kld-base.bin");
    private static final int RECORDS = 8 * 255;

    @TempDir
    Path dir;

    @Test
    void headerDescribesEightChunksOfTheMinimaVocabulary() throws IOException {
        try (KldBaseReader r = KldBaseReader.open(GOLDEN)) {
            assertThat(r.nCtx()).isEqualTo(512);
            assertThat(r.nVocab()).isEqualTo(4101);
            assertThat(r.nChunk()).isEqualTo(8);
            // the text starts " = Ge 1 = ..." heading style; add_bos is false for Qwen3, so no BOS in front
            assertThat(r.tokens()).hasSize(8 * 512).startsWith(284, 479, 68, 220, 23, 284);
        }
    }

    @Test
    void goldenFileIsWrittenBackByteForByte() throws IOException {
        Path copy = dir.resolve("copy.bin");
        try (KldBaseReader r = KldBaseReader.open(GOLDEN);
             KldBaseWriter w = KldBaseWriter.create(copy, r.nCtx(), r.nVocab(), r.nChunk(), r.tokens())) {
            QuantizedLogProbs record = new QuantizedLogProbs(r.nVocab());
            for (int i = 0; i < RECORDS; i++) {
                r.read(record);
                w.write(record);
            }
            w.commit();
        }
        assertThat(Files.mismatch(GOLDEN, copy)).isEqualTo(-1);
    }

    /**
     * Encoding the decoded log-probabilities again reproduces every code and every step bit for bit, but not the
     * offsets: llama.cpp's offset is {@code min - max - log Σ exp(logit - max)} over the unquantized logits, and the
     * codes lose each logit's place within its 1/4096-nat step and all the logits more than 16 nats below the top,
     * whose probabilities still count in that sum. So a base file can be copied byte for byte (test above) but not
     * rebuilt from its decoded values; the offsets then move by the lost probability mass, here below 5e-4 nats.
     */
    @Test
    void reencodingTheDecodedValuesGivesTheSameCodesAndStepsAndNearlyTheSameOffsets() throws IOException {
        try (KldBaseReader r = KldBaseReader.open(GOLDEN)) {
            int n = r.nVocab();
            QuantizedLogProbs golden = new QuantizedLogProbs(n);
            QuantizedLogProbs again = new QuantizedLogProbs(n);
            float[] decoded = new float[n];
            int offsetsDiffering = 0;
            for (int k = 0; k < RECORDS; k++) {
                r.read(golden);
                for (int i = 0; i < n; i++) {
                    decoded[i] = golden.logProb(i);
                }
                again.encode(decoded, 0, 0);
                assertThat(again.step()).as("step of record %d", k).isEqualTo(golden.step());
                for (int i = 0; i < n; i++) {
                    if (again.code(i) != golden.code(i)) {
                        assertThat(again.code(i)).as("record %d token %d", k, i).isEqualTo(golden.code(i));
                    }
                }
                assertThat((double) again.offset()).isCloseTo(golden.offset(), within(5e-4));
                offsetsDiffering += again.offset() != golden.offset() ? 1 : 0;
            }
            assertThat(offsetsDiffering).as("offsets that cannot be rebuilt").isGreaterThan(RECORDS / 2);
        }
    }

    @Test
    void aTruncatedFileIsRefusedWhenOpened() throws IOException {
        Path cut = copyOfGolden(Files.size(GOLDEN) - 1);
        assertThatThrownBy(() -> KldBaseReader.open(cut)).isInstanceOf(KldBaseFormatException.class)
                .hasMessage(cut + ": truncated: 8 chunks of 512 tokens over a vocabulary of 4101 need 16768884 bytes,"
                        + " the file has 16768883");
        Path header = copyOfGolden(14);
        assertThatThrownBy(() -> KldBaseReader.open(header)).isInstanceOf(KldBaseFormatException.class)
                .hasMessage(header + ": truncated in its header (14 bytes)");
    }

    @Test
    void trailingBytesAreRefused() throws IOException {
        Path longer = copyOfGolden(Files.size(GOLDEN));
        Files.write(longer, new byte[2], java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> KldBaseReader.open(longer)).hasMessageContaining("too long")
                .hasMessageContaining("the file has 16768886");
    }

    @Test
    void otherFilesAreNotTakenForBaseFiles() throws IOException {
        Path gguf = SharedData.path("models/qwen35-mini.gguf");
        assertThatThrownBy(() -> KldBaseReader.open(gguf)).isInstanceOf(KldBaseFormatException.class)
                .hasMessageContaining("not a KL-divergence base file");
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        assertThatThrownBy(() -> KldBaseReader.open(empty)).hasMessageContaining("not a KL-divergence base file");
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRefused() throws IOException {
        Path bad = copyOfGolden(Files.size(GOLDEN));
        try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
            f.seek(20 + 4 * 7);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(4101).array());
        }
        assertThatThrownBy(() -> KldBaseReader.open(bad))
                .hasMessage(bad + ": token 7 has id 4101, outside the vocabulary of 4101");
    }

    @Test
    void anUnfinishedWriterLeavesNoFile() throws IOException {
        Path target = dir.resolve("unfinished.bin");
        try (KldBaseWriter w = KldBaseWriter.create(target, 4, 5, 1, new int[] {1, 2, 3, 4})) {
            QuantizedLogProbs record = new QuantizedLogProbs(5);
            record.encode(new float[] {1, 2, 3, 4, 5}, 0, 2);
            w.write(record);
            assertThatThrownBy(() -> w.write(record)).hasMessageContaining("all 1 records are already written");
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aSmallFileHasTheDocumentedLayout() throws IOException {
        Path target = dir.resolve("small.bin");
        QuantizedLogProbs record = new QuantizedLogProbs(3);
        try (KldBaseWriter w = KldBaseWriter.create(target, 4, 3, 1, new int[] {7, 8, 9, 10})) {
            record.encode(new float[] {0, 1, 2}, 0, 1);
            w.write(record);
            w.commit();
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(target)).order(ByteOrder.LITTLE_ENDIAN);
        // magic, n_ctx, n_vocab, n_chunk, 4 tokens, 1 record: 2 floats + 3 codes + 1 padding code
        assertThat(b.remaining()).isEqualTo(8 + 12 + 16 + 8 + 8);
        assertThat(new String(b.array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("_logits_");
        assertThat(b.getInt(8)).isEqualTo(4);
        assertThat(b.getInt(12)).isEqualTo(3);
        assertThat(b.getInt(16)).isEqualTo(1);
        assertThat(b.getInt(20)).isEqualTo(7);
        assertThat(b.getFloat(36)).isEqualTo(2f / 65535f);
        assertThat(b.getShort(44)).isZero();
        assertThat(Short.toUnsignedInt(b.getShort(48))).isEqualTo(65535);
        assertThat(b.getShort(50)).as("padding").isZero();
    }

    private Path copyOfGolden(long bytes) throws IOException {
        Path copy = dir.resolve("part-" + bytes + ".bin");
        try (var in = Files.newInputStream(GOLDEN); var out = Files.newOutputStream(copy)) {
            out.write(in.readNBytes(Math.toIntExact(bytes)));
        }
        return copy;
    }
}
