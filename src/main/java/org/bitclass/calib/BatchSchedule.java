package org.bitclass.calib;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which llama-imatrix feeds tokens through the model. It evaluates up to {@code n_seq = 2048 / n_ctx}
 * chunks at once as parallel sequences of one 2048-token batch, which llama.cpp cuts into micro-batches of at most
 * 512 tokens: for a plain KV cache with several sequences, an equal share of each sequence per micro-batch
 * (split_equal); with one sequence, consecutive tokens (split_simple); for models with recurrent layers, one sequence
 * at a time (split_seq). The sums of squares are float sums, so this order decides their last bits; and llama.cpp
 * skips the statistics of micro-batches shorter than 16 tokens.
 */
public final class BatchSchedule {

    /** llama-imatrix's default logical batch (common_params.n_batch). */
    static final int N_BATCH = 2048;
    /** llama.cpp's default micro-batch (common_params.n_ubatch). */
    static final int N_UBATCH = 512;
    /** Matrix products with fewer input rows are not collected by llama-imatrix. */
    static final int MIN_COLLECTED_TOKENS = 16;

    /** Tokens {@code [from, to)} of the chunk at index {@code seq} within its group. */
    public record Slice(int seq, int from, int to) {
        int length() {
            return to - from;
        }
    }

    /** One micro-batch: its slices in the order llama.cpp lays out their rows. */
    public record Ubatch(List<Slice> slices) {
        public int tokens() {
            return slices.stream().mapToInt(Slice::length).sum();
        }

        /** Whether llama-imatrix collects statistics from this micro-batch. */
        public boolean collected() {
            return tokens() >= MIN_COLLECTED_TOKENS;
        }
    }

    private final int nCtx;
    private final boolean sequenceSplit;

    /**
     * @param nCtx          tokens per chunk
     * @param sequenceSplit the model has recurrent layers, so llama.cpp splits micro-batches by sequence
     */
    public BatchSchedule(int nCtx, boolean sequenceSplit) {
        if (nCtx < MIN_COLLECTED_TOKENS) {
            throw new IllegalArgumentException("the context must be at least " + MIN_COLLECTED_TOKENS + " tokens, got " + nCtx);
        }
        this.nCtx = nCtx;
        this.sequenceSplit = sequenceSplit;
    }

    /** Chunks evaluated together (llama-imatrix's n_seq). */
    public int sequences() {
        return Math.max(1, N_BATCH / nCtx);
    }

    /** Tokens per logical batch, as llama-imatrix reports it. */
    public int batchSize() {
        return Math.min(N_BATCH, sequences() * nCtx);
    }

    /** The micro-batches of a group of {@code nSeq} chunks (the last group may hold fewer than {@link #sequences()}). */
    public List<Ubatch> group(int nSeq) {
        if (nSeq < 1 || nSeq > sequences()) {
            throw new IllegalArgumentException("a group holds 1.." + sequences() + " chunks, got " + nSeq);
        }
        List<Ubatch> out = new ArrayList<>();
        if (sequenceSplit || sequences() == 1) {
            // one sequence after the other; a lone sequence's 2048-token batches cut at multiples of 512 anyway
            for (int s = 0; s < nSeq; s++) {
                for (int start = 0; start < nCtx; start += N_UBATCH) {
                    out.add(new Ubatch(List.of(new Slice(s, start, Math.min(nCtx, start + N_UBATCH)))));
                }
            }
        } else {
            // several sequences (one stream each): every micro-batch takes the same number of tokens from each
            int share = N_UBATCH / nSeq;
            for (int start = 0; start < nCtx; start += share) {
                int end = Math.min(nCtx, start + share);
                List<Slice> slices = new ArrayList<>(nSeq);
                for (int s = 0; s < nSeq; s++) {
                    slices.add(new Slice(s, start, end));
                }
                out.add(new Ubatch(List.copyOf(slices)));
            }
        }
        return out;
    }
}
