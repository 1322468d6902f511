package org.bitclass.eval;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The text's tokens cut as llama-perplexity cuts them: consecutive chunks of {@code nCtx} tokens (a trailing
 * partial chunk is dropped), each evaluated as its own sequence, with only its second half scored: the logits at
 * positions {@code nCtx/2 .. nCtx-2} predict the tokens after them.
 *
 * @param tokens the text's tokens (only the first {@code nChunk * nCtx} are used)
 * @param bos    when the vocabulary adds a BOS token: it replaces the first token of every chunk
 */
public record EvalChunks(int[] tokens, int nCtx, int nChunk, OptionalInt bos) {

    public EvalChunks {
        if (nCtx < 3) {
            throw new IllegalArgumentException("the context must hold at least 3 tokens, not " + nCtx);
        }
        if (nChunk < 1 || (long) nChunk * nCtx > tokens.length) {
            throw new IllegalArgumentException(nChunk + " chunks of " + nCtx + " tokens need "
                    + (long) nChunk * nCtx + " tokens, there are " + tokens.length);
        }
    }

    /**
     * Chunks of a tokenized text, at most {@code maxChunks} of them (negative: all). Like llama.cpp, refuses texts
     * shorter than two chunks.
     */
    public static EvalChunks of(int[] tokens, int nCtx, int maxChunks, OptionalInt bos) {
        if (tokens.length < 2L * nCtx) {
            throw new IllegalArgumentException("you need at least " + 2L * nCtx
                    + " tokens to evaluate perplexity with a context of " + nCtx + "; the text tokenizes to only "
                    + tokens.length + " tokens");
        }
        int available = tokens.length / nCtx;
        return new EvalChunks(tokens, nCtx, maxChunks < 0 ? available : Math.min(maxChunks, available), bos);
    }

    /** First scored position of each chunk. */
    public int first() {
        return nCtx / 2;
    }

    /** Tokens scored per chunk. */
    public int scoredPerChunk() {
        return nCtx - 1 - first();
    }

    public long scoredTotal() {
        return (long) scoredPerChunk() * nChunk;
    }

    /** The tokens evaluated for chunk {@code i}: a copy, its first token replaced by BOS when the vocabulary adds one. */
    public int[] chunk(int i) {
        int[] chunk = Arrays.copyOfRange(tokens, i * nCtx, (i + 1) * nCtx);
        bos.ifPresent(b -> chunk[0] = b);
        return chunk;
    }

    /** The tokens of all chunks, as stored in a kld-base file. */
    public int[] usedTokens() {
        return Arrays.copyOf(tokens, nChunk * nCtx);
    }
}
