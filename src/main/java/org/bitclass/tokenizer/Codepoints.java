package org.bitclass.tokenizer;

/**
 * Unicode code point classes exactly as llama.cpp's tokenizer sees them (its {@code unicode_cpt_flags}).
 *
 * <p>llama.cpp classifies code points with tables generated from Unicode 15.1, while the JDK 25 runtime knows
 * Unicode 16.0. The general categories of code points assigned up to 15.1 are the same in both, so we take the
 * JDK's category and treat the code points that Unicode 16.0 added as unassigned, which is what llama.cpp does.
 * Whitespace is Unicode's White_Space property (llama.cpp's set), not {@link Character#isWhitespace}.
 */
final class Codepoints {

    static final int UNDEFINED = 0x0001;
    static final int NUMBER = 0x0002;
    static final int LETTER = 0x0004;
    static final int SEPARATOR = 0x0008;
    static final int MARK = 0x0010;
    static final int PUNCTUATION = 0x0020;
    static final int SYMBOL = 0x0040;
    static final int CONTROL = 0x0080;
    static final int CATEGORY_MASK = 0x00FF;
    static final int WHITESPACE = 0x0100;

    /** Pairs of inclusive ranges [first, last] of the code points first assigned in Unicode 16.0. */
    private static final int[] ASSIGNED_IN_UNICODE_16 = {
            0x0897, 0x0897, 0x1B4E, 0x1B4F, 0x1B7F, 0x1B7F, 0x1C89, 0x1C8A, 0x2427, 0x2429, 0x31E4, 0x31E5,
            0xA7CB, 0xA7CD, 0xA7DA, 0xA7DC, 0x105C0, 0x105F3, 0x10D40, 0x10D65, 0x10D69, 0x10D85, 0x10D8E, 0x10D8F,
            0x10EC2, 0x10EC4, 0x10EFC, 0x10EFC, 0x11380, 0x11389, 0x1138B, 0x1138B, 0x1138E, 0x1138E, 0x11390, 0x113B5,
            0x113B7, 0x113C0, 0x113C2, 0x113C2, 0x113C5, 0x113C5, 0x113C7, 0x113CA, 0x113CC, 0x113D5, 0x113D7, 0x113D8,
            0x113E1, 0x113E2, 0x116D0, 0x116E3, 0x11BC0, 0x11BE1, 0x11BF0, 0x11BF9, 0x11F5A, 0x11F5A, 0x13460, 0x143FA,
            0x16100, 0x16139, 0x16D40, 0x16D79, 0x18CFF, 0x18CFF, 0x1CC00, 0x1CCF9, 0x1CD00, 0x1CEB3, 0x1E5D0, 0x1E5FA,
            0x1E5FF, 0x1E5FF, 0x1F8B2, 0x1F8BB, 0x1F8C0, 0x1F8C1, 0x1FA89, 0x1FA89, 0x1FA8F, 0x1FA8F, 0x1FABE, 0x1FABE,
            0x1FAC6, 0x1FAC6, 0x1FADC, 0x1FADC, 0x1FADF, 0x1FADF, 0x1FAE9, 0x1FAE9, 0x1FBCB, 0x1FBEF,
    };

    /** Unicode White_Space. */
    private static final int[] WHITESPACE_CODEPOINTS = {
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
            0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    };

    private static final int MAX_CODEPOINT = 0x10FFFF;
    private static final short[] FLAGS = buildTable();

    private Codepoints() {
    }

    /** The flags of a code point (never 0 for a valid code point; llama.cpp uses 0 for "outside the text"). */
    static int flags(int cp) {
        return cp >= 0 && cp <= MAX_CODEPOINT ? FLAGS[cp] : UNDEFINED;
    }

    static boolean isLetter(int flags) {
        return (flags & LETTER) != 0;
    }

    static boolean isNumber(int flags) {
        return (flags & NUMBER) != 0;
    }

    static boolean isMark(int flags) {
        return (flags & MARK) != 0;
    }

    static boolean isWhitespace(int flags) {
        return (flags & WHITESPACE) != 0;
    }

    private static short[] buildTable() {
        short[] table = new short[MAX_CODEPOINT + 1];
        for (int cp = 0; cp <= MAX_CODEPOINT; cp++) {
            table[cp] = (short) categoryFlag(Character.getType(cp));
        }
        for (int i = 0; i < ASSIGNED_IN_UNICODE_16.length; i += 2) {
            for (int cp = ASSIGNED_IN_UNICODE_16[i]; cp <= ASSIGNED_IN_UNICODE_16[i + 1]; cp++) {
                table[cp] = UNDEFINED;
            }
        }
        for (int cp : WHITESPACE_CODEPOINTS) {
            table[cp] |= WHITESPACE;
        }
        return table;
    }

    private static int categoryFlag(int javaType) {
        return switch (javaType) {
            case Character.UNASSIGNED -> UNDEFINED;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            default -> throw new IllegalStateException("unknown Unicode category " + javaType);
        };
    }
}
