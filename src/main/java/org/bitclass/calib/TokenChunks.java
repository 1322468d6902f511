package org.bitclass.calib;

import org.bitclass.tokenizer.Tokenizer;

import java.io.IOException;

/**
 * Cuts a token stream into consecutive chunks of {@code nCtx} tokens, dropping a shorter tail, and starts each
 * chunk with BOS when the vocabulary adds one (llama-imatrix overwrites each chunk's first token with it).
 */
final class TokenChunks implements AutoCloseable {

    private final TextTokens source;
    private final int nCtx;
    private final int bos;
    private int[] block = new int[0];
    private int used;

    TokenChunks(TextTokens source, int nCtx, Tokenizer tokenizer) {
        this.source = source;
        this.nCtx = nCtx;
        this.bos = tokenizer.addsBos() ? tokenizer.bos() : Tokenizer.NO_TOKEN;
    }

    /** Counts all tokens of a text without keeping them. */
    static long countTokens(TextTokens tokens) throws IOException {
        long n = 0;
        for (int[] b = tokens.next(); b != null; b = tokens.next()) {
            n += b.length;
        }
        return n;
    }

    /** The next chunk, or null when fewer than {@code nCtx} tokens are left. */
    int[] next() throws IOException {
        int[] chunk = new int[nCtx];
        int filled = 0;
        while (filled < nCtx) {
            if (used == block.length) {
                int[] b = source.next();
                if (b == null) {
                    return null;
                }
                block = b;
                used = 0;
            }
            int n = Math.min(nCtx - filled, block.length - used);
            System.arraycopy(block, used, chunk, filled, n);
            used += n;
            filled += n;
        }
        if (bos != Tokenizer.NO_TOKEN) {
            chunk[0] = bos;
        }
        return chunk;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
