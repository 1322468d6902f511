package org.bitclass.tokenizer.chat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python string formatting: printf-style {@code fmt % args} (the {@code %} operator and the {@code format} filter)
 * and {@code str.format()}. Floats round half-even on their exact binary value, as CPython does.
 */
final class PyFormat {

    private PyFormat() {
    }

    /**
     * {@code fmt % args}: a tuple gives the positional values, a dict the {@code %(name)s} values. As in CPython, a
     * list also counts as a mapping, which only means unused arguments are not an error.
     */
    static String percent(String fmt, Object args) {
        List<?> values = args instanceof PyTuple t ? t : List.of(args == null ? NONE_ARG : args);
        Map<?, ?> mapping = args instanceof Map<?, ?> m ? m : null;
        boolean mappingLike = mapping != null || (args instanceof List<?> && !(args instanceof PyTuple));
        StringBuilder out = new StringBuilder();
        int next = 0;
        int i = 0;
        while (i < fmt.length()) {
            char c = fmt.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            Spec spec = new Spec();
            Object value = null;
            boolean keyed = false;
            if (i < fmt.length() && fmt.charAt(i) == '(') {
                int close = fmt.indexOf(')', i);
                if (mapping == null || close < 0) {
                    throw new TemplateException(mapping == null ? "format requires a mapping"
                            : "incomplete format key");
                }
                Object key = fmt.substring(i + 1, close);
                value = Py.dictGet(mapping, key, NONE_ARG);
                if (value == NONE_ARG) {
                    throw new TemplateException("KeyError: " + Py.repr(key));
                }
                keyed = true;
                i = close + 1;
            }
            while (i < fmt.length() && "-+ #0".indexOf(fmt.charAt(i)) >= 0) {
                spec.flag(fmt.charAt(i++));
            }
            int start = i;
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                i++;
            }
            spec.width = start < i ? Integer.parseInt(fmt.substring(start, i)) : 0;
            if (i < fmt.length() && fmt.charAt(i) == '.') {
                start = ++i;
                while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                    i++;
                }
                spec.precision = start < i ? Integer.parseInt(fmt.substring(start, i)) : 0;
            }
            while (i < fmt.length() && "hlL".indexOf(fmt.charAt(i)) >= 0) {
                i++;
            }
            if (i >= fmt.length()) {
                throw new TemplateException("incomplete format");
            }
            spec.type = fmt.charAt(i++);
            if (spec.type == '%') {
                out.append('%');
                continue;
            }
            if (!keyed) {
                if (next >= values.size()) {
                    throw new TemplateException("not enough arguments for format string");
                }
                value = values.get(next++);
            }
            out.append(spec.pad(convert(spec, value == NONE_ARG ? null : value)));
        }
        if (!mappingLike && next < values.size()) {
            throw new TemplateException("not all arguments converted during string formatting");
        }
        return out.toString();
    }

    /** Stands for None inside {@code List.of}, which refuses nulls. */
    private static final Object NONE_ARG = new Object();

    private static String convert(Spec spec, Object value) {
        return switch (spec.type) {
            case 's' -> truncate(Py.str(value), spec.precision);
            case 'r', 'a' -> truncate(Py.repr(value), spec.precision);
            case 'd', 'i', 'u' -> spec.integer(Numbers.truncate(real(value, spec.type)), 10);
            case 'x', 'X', 'o' -> spec.integer(integer(value, spec.type), spec.type == 'o' ? 8 : 16);
            case 'e', 'E', 'f', 'F', 'g', 'G' -> spec.real(real(value, spec.type));
            case 'c' -> value instanceof String s && s.codePointCount(0, s.length()) == 1 ? s
                    : Character.toString((int) integer(value, 'c'));
            default -> throw new TemplateException("unsupported format character '" + spec.type + "'");
        };
    }

    private static String truncate(String s, int precision) {
        return precision >= 0 && precision < s.codePointCount(0, s.length())
                ? s.substring(0, s.offsetByCodePoints(0, precision)) : s;
    }

    private static double real(Object value, char type) {
        if (!Py.isNumber(value)) {
            throw new TemplateException("%" + type + " format: a real number is required, not "
                    + Py.typeName(value));
        }
        return Numbers.asDouble(value);
    }

    private static long integer(Object value, char type) {
        if (!Numbers.isIntegral(value)) {
            throw new TemplateException("%" + type + " format: an integer is required, not " + Py.typeName(value));
        }
        return Numbers.asLong(value);
    }

    /** {@code fmt.format(*args, **kwargs)} with fields {@code {}}, {@code {0}}, {@code {name.attr[key]!r:spec}}. */
    static String format(String fmt, Arguments args) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        boolean manual = false;
        int i = 0;
        while (i < fmt.length()) {
            char c = fmt.charAt(i);
            if (c == '}' || (c == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '{')) {
                if (i + 1 >= fmt.length() || fmt.charAt(i + 1) != c) {
                    throw new TemplateException("Single '}' encountered in format string");
                }
                out.append(c);
                i += 2;
                continue;
            }
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int close = fmt.indexOf('}', i);
            if (close < 0) {
                throw new TemplateException("expected '}' before end of string");
            }
            String field = fmt.substring(i + 1, close);
            i = close + 1;
            String specText = "";
            int colon = field.indexOf(':');
            if (colon >= 0) {
                specText = field.substring(colon + 1);
                field = field.substring(0, colon);
            }
            char conversion = 0;
            int bang = field.indexOf('!');
            if (bang >= 0) {
                conversion = field.length() == bang + 2 ? field.charAt(bang + 1) : '?';
                field = field.substring(0, bang);
            }
            int end = 0;
            while (end < field.length() && field.charAt(end) != '.' && field.charAt(end) != '[') {
                end++;
            }
            String head = field.substring(0, end);
            Object value;
            if (head.isEmpty()) {
                if (manual) {
                    throw new TemplateException("cannot switch from manual field specification to automatic "
                            + "field numbering");
                }
                value = positional(args, auto++);
            } else if (head.chars().allMatch(Character::isDigit)) {
                if (auto > 0) {
                    throw new TemplateException("cannot switch from automatic field numbering to manual field "
                            + "specification");
                }
                manual = true;
                value = positional(args, Integer.parseInt(head));
            } else if (args.keywords().containsKey(head)) {
                value = args.keywords().get(head);
            } else {
                throw new TemplateException("KeyError: " + Py.repr(head));
            }
            value = followFieldPath(value, field.substring(end));
            value = switch (conversion) {
                case 0 -> value;
                case 's' -> Py.str(value);
                case 'r', 'a' -> Py.repr(value);
                default -> throw new TemplateException("Unknown conversion specifier " + field);
            };
            out.append(formatValue(value, specText));
        }
        return out.toString();
    }

    private static Object positional(Arguments args, int index) {
        if (index >= args.size()) {
            throw new TemplateException("Replacement index " + index + " out of range for positional args tuple");
        }
        return args.get(index);
    }

    /** {@code .attr} and {@code [key]} parts after a field name, looked up as the sandbox does. */
    private static Object followFieldPath(Object value, String path) {
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            int end = i + 1;
            if (c == '.') {
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                value = Attributes.getAttr(value, path.substring(i + 1, end));
            } else {
                end = path.indexOf(']', i);
                if (end < 0) {
                    throw new TemplateException("Missing ']' in format string");
                }
                String key = path.substring(i + 1, end);
                value = Attributes.getItem(value, key.chars().allMatch(Character::isDigit) && !key.isEmpty()
                        ? (Object) Long.parseLong(key) : key);
                end++;
            }
            i = end;
        }
        return value;
    }

    /** Python's {@code format(value, spec)} for the common format-spec mini-language. */
    private static String formatValue(Object value, String specText) {
        if (specText.isEmpty()) {
            return Py.str(value);
        }
        Spec spec = Spec.parse(specText);
        if (value instanceof String s) {
            if (spec.type != 0 && spec.type != 's') {
                throw new TemplateException("Unknown format code '" + spec.type + "' for object of type 'str'");
            }
            return spec.align(truncate(s, spec.precision), '<');
        }
        if (!Py.isNumber(value)) {
            throw new TemplateException("unsupported format string passed to " + Py.typeName(value) + ".__format__");
        }
        String body = switch (spec.type) {
            case 0 -> Numbers.isIntegral(value) ? spec.integer(Numbers.asLong(value), 10)
                    : spec.precision < 0 ? spec.signed(Py.reprFloat(Numbers.asDouble(value)))
                    : spec.withType('g').real(Numbers.asDouble(value));
            case 'd' -> spec.integer(integer(value, 'd'), 10);
            case 'x', 'X', 'o', 'b' -> spec.integer(integer(value, spec.type),
                    spec.type == 'o' ? 8 : spec.type == 'b' ? 2 : 16);
            case 'e', 'E', 'f', 'F', 'g', 'G' -> spec.real(Numbers.asDouble(value));
            case '%' -> spec.withType('f').real(Numbers.asDouble(value) * 100) + "%";
            default -> throw new TemplateException("Unknown format code '" + spec.type + "' for object of type '"
                    + Py.typeName(value) + "'");
        };
        return spec.align(body, '>');
    }

    /** One conversion's flags, width, precision and type. */
    private static final class Spec {
        boolean left;
        boolean plus;
        boolean space;
        boolean alternate;
        boolean zero;
        boolean grouping;
        char fill = ' ';
        char alignment;
        int width;
        int precision = -1;
        char type;

        void flag(char c) {
            switch (c) {
                case '-' -> left = true;
                case '+' -> plus = true;
                case ' ' -> space = true;
                case '#' -> alternate = true;
                default -> zero = true;
            }
        }

        /** {@code [[fill]align][sign][#][0][width][,][.precision][type]}. */
        static Spec parse(String text) {
            Spec spec = new Spec();
            int i = 0;
            if (text.length() >= 2 && "<>^=".indexOf(text.charAt(1)) >= 0) {
                spec.fill = text.charAt(0);
                spec.alignment = text.charAt(1);
                i = 2;
            } else if (!text.isEmpty() && "<>^=".indexOf(text.charAt(0)) >= 0) {
                spec.alignment = text.charAt(0);
                i = 1;
            }
            if (i < text.length() && "+- ".indexOf(text.charAt(i)) >= 0) {
                spec.plus = text.charAt(i) == '+';
                spec.space = text.charAt(i) == ' ';
                i++;
            }
            if (i < text.length() && text.charAt(i) == '#') {
                spec.alternate = true;
                i++;
            }
            if (i < text.length() && text.charAt(i) == '0') {
                spec.zero = true;
                i++;
            }
            int start = i;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
            spec.width = start < i ? Integer.parseInt(text.substring(start, i)) : 0;
            if (i < text.length() && text.charAt(i) == ',') {
                spec.grouping = true;
                i++;
            }
            if (i < text.length() && text.charAt(i) == '.') {
                start = ++i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                spec.precision = Integer.parseInt(text.substring(start, i));
            }
            if (i < text.length()) {
                spec.type = text.charAt(i++);
            }
            if (i != text.length()) {
                throw new TemplateException("Invalid format specifier '" + text + "'");
            }
            return spec;
        }

        Spec withType(char newType) {
            type = newType;
            return this;
        }

        String signed(String digits) {
            if (digits.startsWith("-")) {
                return digits;
            }
            return (plus ? "+" : space ? " " : "") + digits;
        }

        String integer(long v, int radix) {
            String digits = Long.toString(Math.abs(v), radix);
            if (v == Long.MIN_VALUE) {
                digits = digits.substring(1);
            }
            if (precision > digits.length() && alignment == 0) {
                digits = "0".repeat(precision - digits.length()) + digits;
            }
            if (grouping && radix == 10) {
                digits = group(digits);
            }
            if (Character.isUpperCase(type)) {
                digits = digits.toUpperCase();
            }
            String prefix = alternate && radix != 10 ? "0" + (radix == 16 ? type : radix == 8 ? 'o' : 'b') : "";
            return (v < 0 ? "-" : plus ? "+" : space ? " " : "") + prefix + digits;
        }

        String real(double v) {
            String sign = Math.copySign(1, v) < 0 && !Double.isNaN(v) ? "-" : plus ? "+" : space ? " " : "";
            double a = Math.abs(v);
            int p = precision < 0 ? 6 : precision;
            String body;
            if (Double.isNaN(a) || Double.isInfinite(a)) {
                body = Double.isNaN(a) ? "nan" : "inf";
            } else {
                body = switch (Character.toLowerCase(type)) {
                    case 'f' -> fixed(a, p);
                    case 'e' -> exponent(a, p);
                    default -> general(a, p == 0 ? 1 : p);
                };
            }
            if (grouping) {
                int dot = body.indexOf('.');
                body = group(dot < 0 ? body : body.substring(0, dot)) + (dot < 0 ? "" : body.substring(dot));
            }
            return sign + (Character.isUpperCase(type) ? body.toUpperCase() : body);
        }

        private String fixed(double a, int p) {
            String s = new BigDecimal(a).setScale(p, RoundingMode.HALF_EVEN).toPlainString();
            return alternate && p == 0 ? s + "." : s;
        }

        private String exponent(double a, int p) {
            String[] parts = scientific(a, p + 1);
            String mantissa = parts[0].charAt(0) + (p > 0 || alternate ? "." : "") + parts[0].substring(1);
            return mantissa + exponentSuffix(Integer.parseInt(parts[1]));
        }

        private String general(double a, int p) {
            int exp = a == 0 ? 0 : Integer.parseInt(scientific(a, p)[1]);
            String s = exp >= -4 && exp < p ? fixed(a, p - 1 - exp) : exponent(a, p - 1);
            if (alternate) {
                return s;
            }
            int e = s.indexOf('e');
            String mantissa = e < 0 ? s : s.substring(0, e);
            if (mantissa.contains(".")) {
                mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return mantissa + (e < 0 ? "" : s.substring(e));
        }

        /** The {@code digits} significant digits of {@code a} and its decimal exponent. */
        private static String[] scientific(double a, int digits) {
            if (a == 0) {
                return new String[] {"0".repeat(digits), "0"};
            }
            BigDecimal rounded = new BigDecimal(a).round(new MathContext(digits, RoundingMode.HALF_EVEN));
            String unscaled = rounded.unscaledValue().toString();
            int exp = unscaled.length() - 1 - rounded.scale();
            String padded = (unscaled + "0".repeat(digits)).substring(0, digits);
            return new String[] {padded, Integer.toString(exp)};
        }

        private static String exponentSuffix(int exp) {
            return "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }

        private static String group(String digits) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < digits.length(); i++) {
                if (i > 0 && (digits.length() - i) % 3 == 0) {
                    sb.append(',');
                }
                sb.append(digits.charAt(i));
            }
            return sb.toString();
        }

        /** printf-style padding: left-justified with {@code -}, zero-filled after the sign with {@code 0}. */
        String pad(String body) {
            int missing = width - body.codePointCount(0, body.length());
            if (missing <= 0) {
                return body;
            }
            if (left) {
                return body + " ".repeat(missing);
            }
            if (zero && "sraci".indexOf(type) < 0 && !body.endsWith("nan") && !body.endsWith("inf")) {
                return zeroFill(body, missing);
            }
            return " ".repeat(missing) + body;
        }

        private static String zeroFill(String body, int missing) {
            int signEnd = !body.isEmpty() && "+- ".indexOf(body.charAt(0)) >= 0 ? 1 : 0;
            if (body.startsWith("0x", signEnd) || body.startsWith("0X", signEnd) || body.startsWith("0o", signEnd)
                    || body.startsWith("0b", signEnd)) {
                signEnd += 2;
            }
            return body.substring(0, signEnd) + "0".repeat(missing) + body.substring(signEnd);
        }

        /** Format-spec alignment; {@code natural} is the default for the value's type. */
        String align(String body, char natural) {
            int missing = width - body.codePointCount(0, body.length());
            if (missing <= 0) {
                return body;
            }
            char how = alignment != 0 ? alignment : zero && natural == '>' ? '=' : natural;
            char padChar = alignment == 0 && zero ? '0' : fill;
            String padding = String.valueOf(padChar);
            return switch (how) {
                case '<' -> body + padding.repeat(missing);
                case '^' -> padding.repeat(missing / 2) + body + padding.repeat(missing - missing / 2);
                case '=' -> padChar == '0' ? zeroFill(body, missing)
                        : body.substring(0, signLength(body)) + padding.repeat(missing)
                                + body.substring(signLength(body));
                default -> padding.repeat(missing) + body;
            };
        }

        private static int signLength(String body) {
            return !body.isEmpty() && "+- ".indexOf(body.charAt(0)) >= 0 ? 1 : 0;
        }
    }
}
