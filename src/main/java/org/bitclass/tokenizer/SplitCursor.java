package org.bitclass.tokenizer;

/**
 * The view llama.cpp's hand-written splitters have of one run of code points: reads outside the run give
 * {@link #NONE} and flags 0, and each {@link #cut} emits the piece since the previous cut.
 */
final class SplitCursor {

    static final int NONE = -1;

    private final int[] cps;
    private final int from;
    private final int to;
    private final IntList pieceLengths;
    private int previousCut;

    SplitCursor(int[] cps, int from, int to, IntList pieceLengths) {
        this.cps = cps;
        this.from = from;
        this.to = to;
        this.pieceLengths = pieceLengths;
        this.previousCut = from;
    }

    int cp(int pos) {
        return pos >= from && pos < to ? cps[pos] : NONE;
    }

    int flags(int pos) {
        return pos >= from && pos < to ? Codepoints.flags(cps[pos]) : 0;
    }

    /** Ends the current piece at {@code pos} (an empty piece is not emitted). */
    void cut(int pos) {
        if (pos > previousCut) {
            pieceLengths.add(pos - previousCut);
        }
        previousCut = pos;
    }

    /** The ASCII lower case of the code point at {@code pos}: only ASCII letters lower-case to ASCII letters. */
    int lowerAt(int pos) {
        int c = cp(pos);
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    /** Length of an English contraction ('s 't 'm 'd 're 've 'll) starting at pos, or 0. */
    int contractionLength(int pos, boolean ignoreCase) {
        if (cp(pos) != '\'' || pos + 1 >= to) {
            return 0;
        }
        int c1 = ignoreCase ? lowerAt(pos + 1) : cp(pos + 1);
        if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
            return 2;
        }
        if (pos + 2 < to) {
            int c2 = ignoreCase ? lowerAt(pos + 2) : cp(pos + 2);
            if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                return 3;
            }
        }
        return 0;
    }

    /** The number of whitespace code points starting at pos. */
    int whitespaceCount(int pos) {
        int n = 0;
        while (Codepoints.isWhitespace(flags(pos + n))) {
            n++;
        }
        return n;
    }

    /** The position after the last CR or LF in [pos, pos + n), or NONE if there is none. */
    int lastNewlineEnd(int pos, int n) {
        for (int i = pos + n - 1; i >= pos; i--) {
            if (cp(i) == '\r' || cp(i) == '\n') {
                return i + 1;
            }
        }
        return NONE;
    }
}
