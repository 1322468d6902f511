package org.bitclass.eval;

import org.bitclass.io.RunInputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a kld-base file: the header and tokens when opened (checked against the file's size, so a truncated or
 * foreign file fails at once with a clear message), then the records one at a time, in order.
 */
public final class KldBaseReader implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final int nCtx;
    private final int nVocab;
    private final int nChunk;
    private final int[] tokens;
    private final ByteBuffer record;
    private final long totalRecords;
    private long recordsRead;

    private KldBaseReader(Path path, FileChannel channel, int nCtx, int nVocab, int nChunk, int[] tokens) {
        this.path = path;
        this.channel = channel;
        this.nCtx = nCtx;
        this.nVocab = nVocab;
        this.nChunk = nChunk;
        this.tokens = tokens;
        this.record = ByteBuffer.allocate(QuantizedLogProbs.recordBytes(nVocab)).order(ByteOrder.LITTLE_ENDIAN);
        this.totalRecords = (long) nChunk * KldBaseFormat.recordsPerChunk(nCtx);
    }

    public static KldBaseReader open(Path path) throws IOException {
        RunInputs.add(path);
        FileChannel channel = FileChannel.open(path);
        try {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(KldBaseFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header);
            byte[] magic = new byte[KldBaseFormat.MAGIC.length];
            if (header.remaining() >= magic.length) {
                header.get(magic);
            }
            if (!Arrays.equals(magic, KldBaseFormat.MAGIC)) {
                throw new KldBaseFormatException(path, "not a KL-divergence base file (llama-perplexity "
                        + "--kl-divergence-base writes them; they start with _logits_)");
            }
            if (header.remaining() < 3 * Integer.BYTES) {
                throw new KldBaseFormatException(path, "truncated in its header (" + size + " bytes)");
            }
            int nCtx = header.getInt();
            int nVocab = header.getInt();
            int nChunk = header.getInt();
            if (nCtx < 3 || nVocab < 1 || nChunk < 1) {
                throw new KldBaseFormatException(path, "corrupt header (n_ctx " + nCtx + ", n_vocab " + nVocab
                        + ", n_chunk " + nChunk + ")");
            }
            long expected = KldBaseFormat.fileSize(nCtx, nVocab, nChunk);
            if (size != expected) {
                throw new KldBaseFormatException(path, (size < expected ? "truncated" : "too long") + ": " + nChunk
                        + " chunks of " + nCtx + " tokens over a vocabulary of " + nVocab + " need " + expected
                        + " bytes, the file has " + size);
            }
            if ((long) nCtx * nChunk > Integer.MAX_VALUE) {
                throw new KldBaseFormatException(path, nChunk + " chunks of " + nCtx + " tokens are more than we can hold");
            }
            int[] tokens = readTokens(path, channel, nCtx, nVocab, nChunk);
            return new KldBaseReader(path, channel, nCtx, nVocab, nChunk, tokens);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static int[] readTokens(Path path, FileChannel channel, int nCtx, int nVocab, int nChunk)
            throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(KldBaseFormat.tokensBytes(nCtx, nChunk)))
                .order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, bytes);
        int[] tokens = new int[nCtx * nChunk];
        bytes.asIntBuffer().get(tokens);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= nVocab) {
                throw new KldBaseFormatException(path, "token " + i + " has id " + tokens[i]
                        + ", outside the vocabulary of " + nVocab);
            }
        }
        return tokens;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // keep reading until full or end of file
        }
        buffer.flip();
    }

    public Path path() {
        return path;
    }

    public int nCtx() {
        return nCtx;
    }

    public int nVocab() {
        return nVocab;
    }

    public int nChunk() {
        return nChunk;
    }

    /** The evaluated tokens, {@code nChunk × nCtx} of them (a copy). */
    public int[] tokens() {
        return tokens.clone();
    }

    /** Reads the next scored token's record into {@code into}. */
    public void read(QuantizedLogProbs into) {
        if (into.vocabSize() != nVocab) {
            throw new IllegalArgumentException("record for " + into.vocabSize() + " tokens, file has " + nVocab);
        }
        if (recordsRead == totalRecords) {
            throw new IllegalStateException(path + ": all " + totalRecords + " records were read");
        }
        record.clear();
        try {
            readFully(channel, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (record.remaining() != record.capacity()) {
            throw new UncheckedIOException(new KldBaseFormatException(path, "ended early, at record " + recordsRead));
        }
        into.read(record);
        recordsRead++;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }
}
