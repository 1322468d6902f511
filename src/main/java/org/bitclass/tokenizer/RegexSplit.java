package org.bitclass.tokenizer;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer regex for which llama.cpp has no hand-written splitter, evaluated the way llama.cpp evaluates
 * it with {@code std::regex} (ECMAScript): matches and the gaps between them both become pieces.
 *
 * <p>A regex that uses Unicode categories ({@code \p{L}} ...) runs over a "collapsed" text where each non-ASCII
 * code point stands as one marker character for its category (whitespace as U+000B), and each category in the
 * regex becomes a class of its marker plus its ASCII members. Other regexes run over the code points themselves,
 * non-ASCII whitespace again as U+000B.
 */
final class RegexSplit implements SplitRule {

    private static final char OTHER_MARKER = '\u00D0';
    private static final char VERTICAL_TAB = '\u000B';

    private record Category(int flag, char marker, String asciiMembers) {
    }

    private static final Category NUMBER = new Category(Codepoints.NUMBER, '\u00D1', "0-9");
    private static final Category LETTER = new Category(Codepoints.LETTER, '\u00D2', "A-Za-z");
    private static final Category PUNCTUATION =
            new Category(Codepoints.PUNCTUATION, '\u00D3', "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}");
    private static final Category MARK = new Category(Codepoints.MARK, '\u00D4', "");
    private static final Category SYMBOL = new Category(Codepoints.SYMBOL, '\u00D5', "\\$\\+<->\\^`\\|");

    private static final Category[] MARKED = {NUMBER, LETTER, PUNCTUATION, MARK, SYMBOL};

    private static final Map<String, Category> CATEGORIES = Map.of(
            "N", NUMBER, "L", LETTER, "P", PUNCTUATION, "M", MARK, "S", SYMBOL,
            "Lu", LETTER, "Ll", LETTER, "Lt", LETTER, "Lm", LETTER, "Lo", LETTER);

    private final Pattern pattern;
    private final boolean collapsed;

    RegexSplit(String llamaRegex) {
        this.collapsed = usesCategories(llamaRegex);
        if (collapsed && !llamaRegex.chars().allMatch(c -> c < 128)) {
            throw new IllegalArgumentException("regex mixes Unicode categories and non-ASCII characters: " + llamaRegex);
        }
        this.pattern = Pattern.compile(toJavaRegex(llamaRegex));
    }

    @Override
    public void split(int[] cps, int from, int to, IntList pieceLengths) {
        String text = collapsed ? collapse(cps, from, to) : widen(cps, from, to);
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                pieceLengths.add(text.codePointCount(last, m.start()));
            }
            if (m.end() > m.start()) {
                pieceLengths.add(text.codePointCount(m.start(), m.end()));
            }
            last = m.end();
        }
        if (last < text.length()) {
            pieceLengths.add(text.codePointCount(last, text.length()));
        }
    }

    private static boolean usesCategories(String regex) {
        for (String name : CATEGORIES.keySet()) {
            if (regex.contains("\\p{" + name + "}")) {
                return true;
            }
        }
        return false;
    }

    private static String collapse(int[] cps, int from, int to) {
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) {
            int cp = cps[i];
            if (cp < 128) {
                out[i - from] = (char) cp;
                continue;
            }
            int flags = Codepoints.flags(cp);
            char marker = OTHER_MARKER;
            if (Codepoints.isWhitespace(flags)) {
                marker = VERTICAL_TAB;
            } else {
                for (Category cat : MARKED) {
                    if ((flags & Codepoints.CATEGORY_MASK) == cat.flag()) {
                        marker = cat.marker();
                    }
                }
            }
            out[i - from] = marker;
        }
        return new String(out);
    }

    private static String widen(int[] cps, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int cp = cps[i];
            sb.appendCodePoint(cp > 0x7F && Codepoints.isWhitespace(Codepoints.flags(cp)) ? VERTICAL_TAB : cp);
        }
        return sb.toString();
    }

    /**
     * Rewrites an ECMAScript regex for java.util.regex: categories become their collapsed classes, {@code $} is the
     * end of the text only, and inside a class '[' and "&&" are literal as in ECMAScript.
     */
    private static String toJavaRegex(String regex) {
        StringBuilder out = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char e = regex.charAt(i + 1);
                int close = regex.indexOf('}', i);
                if (e == 'p' && i + 2 < regex.length() && regex.charAt(i + 2) == '{' && close > 0) {
                    Category cat = CATEGORIES.get(regex.substring(i + 3, close));
                    if (cat != null) {
                        String members = cat.marker() + cat.asciiMembers();
                        out.append(inClass ? members : "[" + members + "]");
                        i = close;
                        continue;
                    }
                }
                out.append(c).append(e);
                i++;
            } else if (inClass) {
                if (c == ']') {
                    inClass = false;
                    out.append(c);
                } else if (c == '[') {
                    out.append("\\[");
                } else if (c == '&' && i + 1 < regex.length() && regex.charAt(i + 1) == '&') {
                    out.append("&\\&");
                    i++;
                } else {
                    out.append(c);
                }
            } else if (c == '[') {
                inClass = true;
                out.append(c);
            } else if (c == '$') {
                out.append("\\z");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
