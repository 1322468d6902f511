package org.bitclass.tokenizer;

/**
 * llama.cpp's hand-written splitter for the Llama-3 / Qwen2 / Qwen3.5 family of pre-tokenizer regexes:
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 * Qwen2 takes single digits ({@code \p{N}}), Llama-3 up to three; Qwen3.5 lets combining marks ({@code \p{M}})
 * join letter runs and leaves them out of symbol runs.
 */
final class WordSplit implements SplitRule {

    private final int maxDigits;
    private final boolean marksJoinLetters;

    WordSplit(int maxDigits, boolean marksJoinLetters) {
        this.maxDigits = maxDigits;
        this.marksJoinLetters = marksJoinLetters;
    }

    private boolean isWordChar(int flags) {
        return Codepoints.isLetter(flags) || (marksJoinLetters && Codepoints.isMark(flags));
    }

    private boolean isSymbolChar(int flags) {
        return !(Codepoints.isWhitespace(flags) || Codepoints.isNumber(flags) || isWordChar(flags));
    }

    @Override
    public void split(int[] cps, int from, int to, IntList pieceLengths) {
        SplitCursor in = new SplitCursor(cps, from, to, pieceLengths);
        int pos = from;
        while (pos < to) {
            int c = in.cp(pos);
            int flags = in.flags(pos);

            int contraction = in.contractionLength(pos, true);
            if (contraction > 0) {
                pos += contraction;
                in.cut(pos);
                continue;
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (!(c == '\r' || c == '\n' || Codepoints.isNumber(flags))
                    && (isWordChar(flags) || isWordChar(in.flags(pos + 1)))) {
                pos++;
                while (isWordChar(in.flags(pos))) {
                    pos++;
                }
                in.cut(pos);
                continue;
            }
            // \p{N}{1,maxDigits}
            if (Codepoints.isNumber(flags)) {
                int start = pos;
                while (Codepoints.isNumber(in.flags(pos))) {
                    pos++;
                    if (pos - start >= maxDigits) {
                        in.cut(pos);
                        start = pos;
                    }
                }
                in.cut(pos);
                continue;
            }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'; a lone trailing space also lands here, as in llama.cpp
            int next = c == ' ' ? in.flags(pos + 1) : flags;
            if (isSymbolChar(next)) {
                if (c == ' ') {
                    pos++;
                }
                while (next != 0 && isSymbolChar(next)) {
                    next = in.flags(++pos);
                }
                while (in.cp(pos) == '\r' || in.cp(pos) == '\n') {
                    pos++;
                }
                in.cut(pos);
                continue;
            }
            int spaces = in.whitespaceCount(pos);
            int newlineEnd = in.lastNewlineEnd(pos, spaces);
            if (newlineEnd != SplitCursor.NONE) {          // \s*[\r\n]+
                pos = newlineEnd;
            } else if (spaces > 1 && pos + spaces < to) {  // \s+(?!\S)
                pos += spaces - 1;
            } else if (spaces > 0) {                       // \s+
                pos += spaces;
            } else {
                pos++;
            }
            in.cut(pos);
        }
    }
}
