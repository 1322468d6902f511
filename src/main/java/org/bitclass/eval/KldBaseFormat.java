package org.bitclass.eval;

import java.nio.charset.StandardCharsets;

/**
 * Layout of llama-perplexity's {@code --kl-divergence-base} file, little-endian: the 8 bytes {@code _logits_},
 * int32 n_ctx, int32 n_vocab, int32 n_chunk, the n_chunk × n_ctx int32 token ids, then for every chunk and every
 * scored position (n_ctx − 1 − n_ctx/2 of them) one {@link QuantizedLogProbs} record.
 */
final class KldBaseFormat {

    static final byte[] MAGIC = "_logits_".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = MAGIC.length + 3 * Integer.BYTES;

    private KldBaseFormat() {
    }

    static int recordsPerChunk(int nCtx) {
        return nCtx - 1 - nCtx / 2;
    }

    static long tokensBytes(int nCtx, int nChunk) {
        return (long) nCtx * nChunk * Integer.BYTES;
    }

    static long fileSize(int nCtx, int nVocab, int nChunk) {
        return HEADER_BYTES + tokensBytes(nCtx, nChunk)
                + (long) nChunk * recordsPerChunk(nCtx) * QuantizedLogProbs.recordBytes(nVocab);
    }
}
