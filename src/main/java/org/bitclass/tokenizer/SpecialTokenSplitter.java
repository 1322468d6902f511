package org.bitclass.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts special tokens out of text before tokenization (llama.cpp's {@code tokenizer_st_partition}): special tokens
 * are taken longest first, each one cut out of every text fragment left so far. Control and unknown tokens are
 * cut only when special text is parsed; user-defined tokens always are. A token's lstrip/rstrip attributes eat
 * the ASCII whitespace before/after it.
 */
final class SpecialTokenSplitter {

    /** A token id, or a text fragment [start, end) of the input. */
    record Fragment(int token, int start, int end) {
        boolean isText() {
            return token == Vocabulary.NONE;
        }
    }

    private final Vocabulary vocab;

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment(Vocabulary.NONE, 0, text.length()));
        for (int id : vocab.specialTokens) {
            if (!parseSpecial && vocab.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN)) {
                continue;
            }
            List<Fragment> next = new ArrayList<>(fragments.size() + 2);
            for (Fragment f : fragments) {
                if (f.isText()) {
                    cut(text, f.start(), f.end(), id, next);
                } else {
                    next.add(f);
                }
            }
            fragments = next;
        }
        return fragments;
    }

    private void cut(String text, int start, int end, int id, List<Fragment> out) {
        String token = vocab.texts[id];
        boolean lstrip = vocab.has(id, TokenAttr.LSTRIP);
        boolean rstrip = vocab.has(id, TokenAttr.RSTRIP);
        int pos = start;
        while (pos < end) {
            int match = text.indexOf(token, pos, end);
            if (match < 0) {
                out.add(new Fragment(Vocabulary.NONE, pos, end));
                return;
            }
            int leftEnd = match;
            while (lstrip && leftEnd > pos && isAsciiSpace(text.charAt(leftEnd - 1))) {
                leftEnd--;
            }
            if (leftEnd > pos) {
                out.add(new Fragment(Vocabulary.NONE, pos, leftEnd));
            }
            out.add(new Fragment(id, 0, 0));
            pos = match + token.length();
            while (rstrip && pos < end && isAsciiSpace(text.charAt(pos))) {
                pos++;
            }
        }
    }

    /** C's isspace in the "C" locale. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
