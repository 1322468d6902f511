package org.bitclass.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Python {@code str} algorithms on Java strings; positions and lengths count code points, as Python does. */
final class PyStr {

    private PyStr() {
    }

    /** Python's {@code str.isspace()} for one character. */
    static boolean isSpace(int cp) {
        if ((cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    static boolean isAllSpace(String s) {
        return s.codePoints().allMatch(PyStr::isSpace);
    }

    /** The code points of {@code s}, each as a string. */
    static List<String> chars(String s) {
        List<String> out = new ArrayList<>(s.length());
        s.codePoints().forEach(cp -> out.add(Character.toString(cp)));
        return out;
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Python's {@code repr(str)}: single quotes unless the text has one and no double quote. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (isPrintable(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp < 0x100) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        });
        return sb.append(quote).toString();
    }

    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    static String strip(String s, String chars) {
        return lstrip(rstrip(s, chars), chars);
    }

    /** Python's {@code lstrip(chars)}; null chars strips whitespace. */
    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && stripped(s.codePointAt(i), chars)) {
            i += Character.charCount(s.codePointAt(i));
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && stripped(s.codePointBefore(end), chars)) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(0, end);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.codePoints().anyMatch(c -> c == cp);
    }

    /** Python's {@code split(sep, maxsplit)}; a null separator splits on whitespace runs and drops empty ends. */
    static List<Object> split(String s, String sep, long maxsplit) {
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                if (i >= s.length()) {
                    return parts;
                }
                if (maxsplit >= 0 && parts.size() == maxsplit) {
                    parts.add(s.substring(i));
                    return parts;
                }
                int start = i;
                while (i < s.length() && !isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                parts.add(s.substring(start, i));
            }
        }
        requireNonEmptySeparator(sep);
        int start = 0;
        int at;
        while ((maxsplit < 0 || parts.size() < maxsplit) && (at = s.indexOf(sep, start)) >= 0) {
            parts.add(s.substring(start, at));
            start = at + sep.length();
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** Python's {@code rsplit(sep, maxsplit)}: like split, but the first {@code maxsplit} splits are from the right. */
    static List<Object> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) {
            return split(s, sep, -1);
        }
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int i = s.length();
            while (true) {
                while (i > 0 && isSpace(s.codePointBefore(i))) {
                    i -= Character.charCount(s.codePointBefore(i));
                }
                if (i <= 0) {
                    break;
                }
                if (parts.size() == maxsplit) {
                    parts.add(s.substring(0, i));
                    break;
                }
                int end = i;
                while (i > 0 && !isSpace(s.codePointBefore(i))) {
                    i -= Character.charCount(s.codePointBefore(i));
                }
                parts.add(s.substring(i, end));
            }
        } else {
            requireNonEmptySeparator(sep);
            int end = s.length();
            int at;
            while (parts.size() < maxsplit && (at = s.lastIndexOf(sep, end - sep.length())) >= 0) {
                parts.add(s.substring(at + sep.length(), end));
                end = at;
            }
            parts.add(s.substring(0, end));
        }
        return parts.reversed();
    }

    private static void requireNonEmptySeparator(String sep) {
        if (sep.isEmpty()) {
            throw new TemplateException("empty separator");
        }
    }

    /** Python's {@code splitlines(keepends)}, which breaks at every Unicode line boundary. */
    static List<Object> splitlines(String s, boolean keepEnds) {
        List<Object> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean isBreak = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e)
                    || c == 0x85 || c == 0x2028 || c == 0x2029;
            if (!isBreak) {
                i++;
                continue;
            }
            int end = c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? i + 2 : i + 1;
            lines.add(s.substring(start, keepEnds ? end : i));
            start = i = end;
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** Python's {@code replace(old, new, count)}; an empty {@code old} inserts between every character. */
    static String replace(String s, String old, String replacement, long count) {
        StringBuilder sb = new StringBuilder();
        long done = 0;
        if (old.isEmpty()) {
            for (int i = 0; i <= s.length(); ) {
                if (count < 0 || done < count) {
                    sb.append(replacement);
                    done++;
                }
                if (i == s.length()) {
                    break;
                }
                int cp = s.codePointAt(i);
                sb.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            return sb.toString();
        }
        int start = 0;
        int at;
        while ((count < 0 || done < count) && (at = s.indexOf(old, start)) >= 0) {
            sb.append(s, start, at).append(replacement);
            start = at + old.length();
            done++;
        }
        return sb.append(s.substring(start)).toString();
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    /** Python's {@code str.title()}: a cased character after an uncased one starts a word. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String one = Character.toString(cp);
            sb.append(previousCased ? lower(one) : Character.toString(Character.toTitleCase(cp)));
            previousCased = isCased(cp);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    /** Python's {@code str.capitalize()}: first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return Character.toString(Character.toTitleCase(first)) + lower(s.substring(Character.charCount(first)));
    }

    /** Python's {@code str.islower()} / {@code isupper()}: some cased character, and all of them in that case. */
    static boolean isCase(String s, boolean upper) {
        boolean cased = false;
        for (int cp : s.codePoints().toArray()) {
            if (upper ? Character.isLowerCase(cp) || Character.isTitleCase(cp)
                      : Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                return false;
            }
            cased |= isCased(cp);
        }
        return cased;
    }

    /** Python slicing {@code s[start:stop:step]} with null parts, on code points. */
    static String slice(String s, Long start, Long stop, Long step) {
        int[] cps = s.codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        for (int i : Sequences.sliceIndexes(cps.length, start, stop, step)) {
            sb.appendCodePoint(cps[i]);
        }
        return sb.toString();
    }

    /** Python's {@code s.find(sub, start, end)} in code points, or -1. */
    static long find(String s, String sub, Long start, Long end, boolean fromRight) {
        int length = s.codePointCount(0, s.length());
        int[] range = Sequences.clampRange(length, start, end);
        if (range[0] > length || range[1] < range[0]) {
            return -1;
        }
        String window = window(s, range);
        int at = fromRight ? window.lastIndexOf(sub) : window.indexOf(sub);
        return at < 0 ? -1 : range[0] + window.codePointCount(0, at);
    }

    /** The part of {@code s} between two code point positions (an empty string when they cross). */
    static String window(String s, int[] range) {
        if (range[1] <= range[0]) {
            return "";
        }
        int from = s.offsetByCodePoints(0, range[0]);
        return s.substring(from, s.offsetByCodePoints(from, range[1] - range[0]));
    }

    /** Python's {@code center}/{@code ljust}/{@code rjust}; {@code align} is '^', '<' or '>'. */
    static String pad(String s, long width, String fill, char align) {
        int length = s.codePointCount(0, s.length());
        if (width <= length) {
            return s;
        }
        int total = (int) (width - length);
        int left = switch (align) {
            case '<' -> 0;
            case '>' -> total;
            default -> total / 2 + (total & (int) width & 1);
        };
        return fill.repeat(left) + s + fill.repeat(total - left);
    }
}
