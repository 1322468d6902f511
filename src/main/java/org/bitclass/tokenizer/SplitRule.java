package org.bitclass.tokenizer;

/** One step of a pre-tokenizer: cuts a run of code points into consecutive pieces. */
interface SplitRule {

    /** Appends to {@code pieceLengths} the lengths (in code points) of the pieces of {@code cps[from, to)}. */
    void split(int[] cps, int from, int to, IntList pieceLengths);
}
