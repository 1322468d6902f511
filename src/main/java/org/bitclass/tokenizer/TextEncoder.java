package org.bitclass.tokenizer;

/** Turns a run of plain text (no special tokens in it) into token ids. */
interface TextEncoder {

    /**
     * Appends the ids of {@code text} to {@code out}; {@code afterSpecial} tells whether the text starts the input
     * or follows a special token.
     */
    void encode(String text, boolean afterSpecial, IntList out);
}
