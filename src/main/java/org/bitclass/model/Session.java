package org.bitclass.model;

/**
 * One sequence being evaluated: its cache and how many tokens it holds. Not thread-safe; one session per thread.
 */
public interface Session {

    /** Which positions of a batch get logits. */
    enum Outputs { ALL, LAST }

    /**
     * Evaluates {@code tokens} at positions {@code startPos, startPos+1, …} and makes them the end of the sequence.
     * {@code startPos} may be at most {@link #position()}: a smaller value drops the tokens after it first.
     * Decoding one token is the same call with one token.
     *
     * @return {@code [n_tokens × n_vocab]} logits for {@link Outputs#ALL}, {@code [n_vocab]} for the last token for
     *         {@link Outputs#LAST}
     */
    float[] forward(int[] tokens, int startPos, Outputs outputs);

    /** Appends {@code tokens} at the current position. */
    default float[] append(int[] tokens, Outputs outputs) {
        return forward(tokens, position(), outputs);
    }

    /** Number of tokens in the sequence. */
    int position();

    int capacity();

    /** Empties the sequence. */
    void reset();
}
