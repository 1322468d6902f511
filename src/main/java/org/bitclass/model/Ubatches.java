package org.bitclass.model;

import java.util.Arrays;

/** Splits a call's tokens into batches of at most {@link #MAX_BATCH} and joins their logits, for every architecture. */
final class Ubatches {

    static final int MAX_BATCH = 512;

    /** Runs one batch of tokens starting at a position; returns its logits (all rows, or the last only). */
    @FunctionalInterface
    interface BatchForward {
        float[] run(int[] batch, int startPos, boolean allLogits);
    }

    private Ubatches() {
    }

    /**
     * @return {@code [n_tokens × n_vocab]} logits when {@code all}, else the last token's {@code [n_vocab]}
     */
    static float[] forward(int[] tokens, int startPos, boolean all, int nVocab, BatchForward batch) {
        if (tokens.length <= MAX_BATCH) {
            return batch.run(tokens, startPos, all);    // one batch: its logits are already the result
        }
        float[] logits = new float[(all ? tokens.length : 1) * nVocab];
        for (int from = 0; from < tokens.length; from += MAX_BATCH) {
            int to = Math.min(tokens.length, from + MAX_BATCH);
            float[] part = batch.run(Arrays.copyOfRange(tokens, from, to), startPos + from, all);
            System.arraycopy(part, 0, logits, all ? from * nVocab : 0, part.length);
        }
        return logits;
    }
}
