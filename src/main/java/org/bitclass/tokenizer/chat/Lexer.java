package org.bitclass.tokenizer.chat;

import org.bitclass.tokenizer.chat.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits template source into tokens the way jinja2's lexer does with {@code trim_blocks=True} and
 * {@code lstrip_blocks=True}: the same tag delimiters, whitespace control ({@code -} strips, {@code +} keeps), raw
 * blocks, comments, newline normalization and literal syntax.
 */
final class Lexer {

    private static final Pattern FLOAT = Pattern.compile(
            "(?<!\\.)(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
    private static final Pattern INTEGER = Pattern.compile(
            "0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[0-9a-fA-F])+|[1-9](_?\\d)*|0(_?0)*");
    private static final Pattern STRING = Pattern.compile(
            "'([^'\\\\]*(?:\\\\.[^'\\\\]*)*)'|\"([^\"\\\\]*(?:\\\\.[^\"\\\\]*)*)\"", Pattern.DOTALL);
    private static final Pattern RAW_BEGIN = Pattern.compile("\\{%([-+]?)\\s*raw\\s*(?:-%}\\s*|%})");
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(?:\\+%}|-%}\\s*|%}\\n?)");
    private static final String[] OPERATORS = {
            "//", "**", "==", "!=", ">=", "<=",
            "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** Whether the text just consumed ended a line: lstrip_blocks then also strips at the start of the next data. */
    private boolean lineStarting = true;

    private Lexer(String source) {
        src = normalizeNewlines(source);
    }

    /**
     * The tokens of {@code source}. A lexing error becomes a final ERROR token: jinja2 lexes lazily, so a parse
     * error earlier in the template is reported first.
     */
    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        try {
            lexer.run();
        } catch (TemplateException e) {
            lexer.tokens.add(new Token(Kind.ERROR, "", e, lexer.line));
        }
        return lexer.tokens;
    }

    /** Every line break becomes {@code \n}, and one trailing line break is dropped (keep_trailing_newline=False). */
    private static String normalizeNewlines(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart();
            if (tag < 0) {
                emit(Kind.DATA, src.substring(pos), null);
                break;
            }
            Matcher raw = RAW_BEGIN.matcher(src).region(tag, src.length());
            boolean isRaw = raw.lookingAt();
            char type = src.charAt(tag + 1);
            char sign = isRaw ? signOf(raw.group(1)) : tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            emitData(src.substring(pos, tag), sign, type != '{');
            if (isRaw) {
                pos = tag;
                advance(raw.end());
                lexRawBody();
                continue;
            }
            boolean signed = sign == '-' || sign == '+';
            pos = tag + 2 + (signed ? 1 : 0);
            lineStarting = false;
            switch (type) {
                case '#' -> lexComment();
                case '{' -> lexTag(Kind.VARIABLE_BEGIN, Kind.VARIABLE_END, src.substring(tag, pos));
                default -> lexTag(Kind.BLOCK_BEGIN, Kind.BLOCK_END, src.substring(tag, pos));
            }
        }
        // as in jinja2, the end of the template is reported on the line where the last token starts
        tokens.add(new Token(Kind.EOF, "", null, tokens.isEmpty() ? 1 : tokens.getLast().line()));
    }

    private static char signOf(String group) {
        return group.isEmpty() ? 0 : group.charAt(0);
    }

    private int nextTagStart() {
        for (int i = src.indexOf('{', pos); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Emits the data before a tag: {@code -} strips all whitespace before it; otherwise lstrip_blocks removes the
     * spaces and tabs between the line start and a block or comment tag unless the tag says {@code +}.
     */
    private void emitData(String text, char sign, boolean blockOrComment) {
        int newlines = countNewlines(text);
        String kept = text;
        if (sign == '-') {
            kept = PyStr.rstrip(text, null);
        } else if (sign != '+' && blockOrComment) {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && lineStart < text.length()
                    && PyStr.isAllSpace(text.substring(lineStart))) {
                kept = text.substring(0, lineStart);
            }
        }
        if (!kept.isEmpty()) {
            tokens.add(new Token(Kind.DATA, kept, null, line));
        }
        line += newlines;
    }

    private void emit(Kind kind, String text, Object value) {
        tokens.add(new Token(kind, text, value, line));
        line += countNewlines(text);
    }

    private void advance(int to) {
        String consumed = src.substring(pos, to);
        line += countNewlines(consumed);
        lineStarting = consumed.endsWith("\n");
        pos = to;
    }

    /** The raw text up to endraw; as in jinja2, a raw or comment tag that ends the template is simply dropped. */
    private void lexRawBody() {
        if (pos >= src.length()) {
            return;
        }
        Matcher end = RAW_END.matcher(src);
        for (int i = src.indexOf("{%", pos); i >= 0; i = src.indexOf("{%", i + 1)) {
            if (end.region(i, src.length()).lookingAt()) {
                emitData(src.substring(pos, i), signOf(end.group(1)), true);
                pos = i;
                advance(end.end());
                return;
            }
        }
        throw new TemplateException("Missing end of raw directive", line);
    }

    private void lexComment() {
        if (pos >= src.length()) {
            return;
        }
        int close = src.indexOf("#}", pos);
        if (close < 0) {
            throw new TemplateException("Missing end of comment tag", line);
        }
        char sign = close > pos ? src.charAt(close - 1) : 0;
        int end = close + 2;
        if (sign == '-') {
            end = skipSpace(end);
        } else if (sign != '+' && end < src.length() && src.charAt(end) == '\n') {
            end++;
        }
        advance(end);
    }

    /** Tokens of a {@code {{ }}} or {@code {% %}} tag; its end only counts outside brackets, as in jinja2. */
    private void lexTag(Kind begin, Kind endKind, String opener) {
        emit(begin, opener, null);
        Deque<Character> brackets = new ArrayDeque<>();
        while (pos < src.length()) {
            if (brackets.isEmpty() && lexTagEnd(endKind)) {
                return;
            }
            char c = src.charAt(pos);
            if (PyStr.isSpace(c)) {
                int end = skipSpace(pos);
                advance(end);
            } else if (lexLiteral()) {
                lineStarting = false;
            } else {
                lexOperator(brackets);
                lineStarting = false;
            }
        }
    }

    private boolean lexTagEnd(Kind endKind) {
        boolean block = endKind == Kind.BLOCK_END;
        String close = block ? "%}" : "}}";
        int at = pos;
        char sign = 0;
        if ((src.startsWith("-", at) || (block && src.startsWith("+", at))) && src.startsWith(close, at + 1)) {
            sign = src.charAt(at);
            at++;
        } else if (!src.startsWith(close, at)) {
            return false;
        }
        int end = at + 2;
        if (sign == '-') {
            end = skipSpace(end);
        } else if (block && sign == 0 && end < src.length() && src.charAt(end) == '\n') {
            end++;
        }
        emit(endKind, src.substring(pos, at + 2), null);
        pos = at + 2;
        advance(end);
        return true;
    }

    private boolean lexLiteral() {
        Matcher m = FLOAT.matcher(src).region(pos, src.length()).useTransparentBounds(true);
        if (m.lookingAt()) {
            emit(Kind.FLOAT, m.group(), Double.parseDouble(m.group().replace("_", "")));
        } else if ((m = INTEGER.matcher(src).region(pos, src.length())).lookingAt()) {
            emit(Kind.INTEGER, m.group(), parseInteger(m.group()));
        } else if (isNameStart(src.codePointAt(pos))) {
            int end = pos + Character.charCount(src.codePointAt(pos));
            while (end < src.length() && isNamePart(src.codePointAt(end))) {
                end += Character.charCount(src.codePointAt(end));
            }
            emit(Kind.NAME, src.substring(pos, end), null);
            pos = end;
            return true;
        } else if ((m = STRING.matcher(src).region(pos, src.length())).lookingAt()) {
            String body = m.group().substring(1, m.group().length() - 1);
            emit(Kind.STRING, m.group(), unescape(body));
        } else {
            return false;
        }
        pos = m.end();
        return true;
    }

    private Long parseInteger(String spelling) {
        String digits = spelling.replace("_", "").toLowerCase();
        int radix = digits.startsWith("0x") ? 16 : digits.startsWith("0o") ? 8 : digits.startsWith("0b") ? 2 : 10;
        try {
            return Long.parseLong(radix == 10 ? digits : digits.substring(2), radix);
        } catch (NumberFormatException e) {
            throw new TemplateException("integer literal too large: " + spelling, line);
        }
    }

    private void lexOperator(Deque<Character> brackets) {
        for (String op : OPERATORS) {
            if (src.startsWith(op, pos)) {
                char c = op.charAt(0);
                if (op.length() == 1 && "([{".indexOf(c) >= 0) {
                    brackets.push(")]}".charAt("([{".indexOf(c)));
                } else if (op.length() == 1 && ")]}".indexOf(c) >= 0) {
                    if (brackets.isEmpty()) {
                        throw new TemplateException("unexpected '" + c + "'", line);
                    }
                    char expected = brackets.pop();
                    if (expected != c) {
                        throw new TemplateException("unexpected '" + c + "', expected '" + expected + "'", line);
                    }
                }
                emit(Kind.OPERATOR, op, null);
                pos += op.length();
                return;
            }
        }
        throw new TemplateException("unexpected char " + Py.repr(src.substring(pos, pos + 1)) + " at " + pos,
                line);
    }

    private int skipSpace(int from) {
        int i = from;
        while (i < src.length() && PyStr.isSpace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int countNewlines(String s) {
        return (int) s.chars().filter(c -> c == '\n').count();
    }

    private static boolean isNameStart(int cp) {
        return cp == '_' || Character.isUnicodeIdentifierStart(cp);
    }

    private static boolean isNamePart(int cp) {
        return cp == '_' || (Character.isUnicodeIdentifierPart(cp) && !Character.isIdentifierIgnorable(cp));
    }

    /**
     * Python's {@code s.encode("ascii", "backslashreplace").decode("unicode-escape")}, which jinja2 applies to string
     * literals: the usual backslash escapes, unknown ones kept verbatim.
     */
    private String unescape(String body) {
        StringBuilder ascii = new StringBuilder();
        body.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                ascii.append((char) cp);
            } else {
                ascii.append(cp < 0x100 ? String.format("\\x%02x", cp)
                        : cp < 0x10000 ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
            }
        });
        StringBuilder out = new StringBuilder();
        String s = ascii.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.append(e);
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x' -> i = appendHex(s, i, 2, out);
                case 'u' -> i = appendHex(s, i, 4, out);
                case 'U' -> i = appendHex(s, i, 8, out);
                case 'N' -> i = appendNamed(s, i, out);
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i;
                        while (end < s.length() && end < i + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
                            end++;
                        }
                        out.appendCodePoint(Integer.parseInt(s.substring(i, end), 8));
                        i = end - 1;
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    private int appendHex(String s, int at, int digits, StringBuilder out) {
        int end = at + 1 + digits;
        String hex = end <= s.length() ? s.substring(at + 1, end) : "";
        if (hex.isEmpty() || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new TemplateException("truncated \\" + s.charAt(at) + "X".repeat(digits) + " escape", line);
        }
        int cp = Integer.parseUnsignedInt(hex, 16);
        if (cp > Character.MAX_CODE_POINT) {
            throw new TemplateException("illegal Unicode character", line);
        }
        out.appendCodePoint(cp);
        return end - 1;
    }

    private int appendNamed(String s, int at, StringBuilder out) {
        int close = s.indexOf('}', at);
        if (at + 1 >= s.length() || s.charAt(at + 1) != '{' || close < 0) {
            throw new TemplateException("malformed \\N character escape", line);
        }
        try {
            out.appendCodePoint(Character.codePointOf(s.substring(at + 2, close)));
        } catch (IllegalArgumentException e) {
            throw new TemplateException("unknown Unicode character name", line);
        }
        return close;
    }
}
