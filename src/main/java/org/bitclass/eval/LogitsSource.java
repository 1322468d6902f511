package org.bitclass.eval;

/** The model under evaluation as the statistics see it: logits of a fresh token sequence, one position at a time. */
public interface LogitsSource {

    int vocabSize();

    /**
     * Evaluates {@code tokens} as a new sequence (positions {@code 0 .. tokens.length-1}, nothing cached from
     * earlier calls) and hands the logits of positions {@code from .. to-1} to {@code rows}, in position order.
     * The row may live in a buffer that is reused once {@code accept} returns.
     */
    void evaluate(int[] tokens, int from, int to, Rows rows);

    /** Receives logit rows: {@code logits[offset .. offset + vocabSize)} for {@code position}. */
    @FunctionalInterface
    interface Rows {
        void accept(int position, float[] logits, int offset);
    }
}
