package org.bitclass.eval;

import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Writes a kld-base file as a stream: the header and tokens first, then one record per scored token as the run
 * produces them. Output goes through an {@link OutputFile} that {@link #commit()} renames into place once every
 * record is there; closing without committing deletes it, so an interrupted run leaves no half-written base file.
 */
public final class KldBaseWriter implements AutoCloseable {

    private static final int BUFFER_BYTES = 1 << 20;

    private final Path target;
    private final OutputFile out;
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final int nVocab;
    private final long expectedRecords;
    private long records;
    private boolean committed;

    private KldBaseWriter(Path target, OutputFile out, FileChannel channel, int nVocab, long expectedRecords) {
        this.target = target;
        this.out = out;
        this.channel = channel;
        this.nVocab = nVocab;
        this.expectedRecords = expectedRecords;
        this.buffer = ByteBuffer.allocate(Math.max(BUFFER_BYTES, QuantizedLogProbs.recordBytes(nVocab)))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Starts a base file for {@code nChunk} chunks of {@code nCtx} tokens; {@code tokens} holds exactly those. */
    public static KldBaseWriter create(Path target, int nCtx, int nVocab, int nChunk, int[] tokens) throws IOException {
        if ((long) nCtx * nChunk != tokens.length) {
            throw new IllegalArgumentException(tokens.length + " tokens given for " + nChunk + " chunks of " + nCtx);
        }
        OutputFile out = OutputFile.create(target);
        FileChannel channel = out.openChannel();
        KldBaseWriter w = new KldBaseWriter(target, out, channel, nVocab,
                (long) nChunk * KldBaseFormat.recordsPerChunk(nCtx));
        try {
            w.buffer.put(KldBaseFormat.MAGIC).putInt(nCtx).putInt(nVocab).putInt(nChunk);
            for (int t : tokens) {
                w.ensureRoom(Integer.BYTES);
                w.buffer.putInt(t);
            }
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** Starts a base file for the chunks of a perplexity run. */
    public static KldBaseWriter create(Path target, EvalChunks chunks, int nVocab) throws IOException {
        return create(target, chunks.nCtx(), nVocab, chunks.nChunk(), chunks.usedTokens());
    }

    /** Appends the next scored token's record. */
    public void write(QuantizedLogProbs record) {
        if (record.vocabSize() != nVocab) {
            throw new IllegalArgumentException("record for " + record.vocabSize() + " tokens, file has " + nVocab);
        }
        if (records == expectedRecords) {
            throw new IllegalStateException("all " + expectedRecords + " records are already written");
        }
        try {
            ensureRoom(QuantizedLogProbs.recordBytes(nVocab));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        record.write(buffer);
        records++;
    }

    /** Flushes and renames the file into place; fails unless every record was written. */
    public void commit() throws IOException {
        if (records != expectedRecords) {
            throw new IllegalStateException(records + " of " + expectedRecords + " records written");
        }
        flush();
        channel.force(false);
        channel.close();
        out.commit();
        committed = true;
    }

    private void ensureRoom(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            channel.close();
            out.close();
        } catch (IOException ignored) {
            // left for the shutdown hook to delete
        }
    }
}
