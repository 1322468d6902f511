package org.bitclass.tokenizer;

/**
 * llama.cpp's hand-written splitter for the GPT-2 pre-tokenizer regex
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 */
final class Gpt2WordSplit implements SplitRule {

    static final String REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    private static boolean isSymbolChar(int flags) {
        return flags != 0 && !(Codepoints.isWhitespace(flags) || Codepoints.isLetter(flags)
                || Codepoints.isNumber(flags));
    }

    @Override
    public void split(int[] cps, int from, int to, IntList pieceLengths) {
        SplitCursor in = new SplitCursor(cps, from, to, pieceLengths);
        int pos = from;
        while (pos < to) {
            int c = in.cp(pos);
            int contraction = in.contractionLength(pos, false);
            if (contraction > 0) {
                pos += contraction;
                in.cut(pos);
                continue;
            }
            int next = c == ' ' ? in.flags(pos + 1) : in.flags(pos);
            if (Codepoints.isLetter(next) || Codepoints.isNumber(next) || isSymbolChar(next)) {
                int kind = Codepoints.isLetter(next) ? Codepoints.LETTER
                        : Codepoints.isNumber(next) ? Codepoints.NUMBER : 0;
                if (c == ' ') {
                    pos++;
                }
                while (sameRun(kind, next)) {
                    next = in.flags(++pos);
                }
                in.cut(pos);
                continue;
            }
            int spaces = in.whitespaceCount(pos);
            if (spaces > 1 && pos + spaces < to) {  // \s+(?!\S)
                pos += spaces - 1;
            } else if (spaces > 0) {                // \s+
                pos += spaces;
            } else {
                pos++;
            }
            in.cut(pos);
        }
    }

    private static boolean sameRun(int kind, int flags) {
        return kind == 0 ? isSymbolChar(flags) : (flags & kind) != 0;
    }
}
