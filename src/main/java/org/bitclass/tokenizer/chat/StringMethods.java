package org.bitclass.tokenizer.chat;

import java.util.List;

/** Python {@code str} methods, with Python's argument rules and results. */
final class StringMethods {

    private StringMethods() {
    }

    static Object call(String s, String name, Arguments args) {
        return switch (name) {
            case "split", "rsplit" -> {
                Arguments.Bound a = args.bind(name, "sep", "maxsplit");
                String sep = optionalString(a, 0);
                long max = Py.toLong(a.get(1, -1L), "maxsplit");
                yield name.equals("split") ? PyStr.split(s, sep, max) : PyStr.rsplit(s, sep, max);
            }
            case "splitlines" -> PyStr.splitlines(s, Py.truthy(args.bind(name, "keepends").get(0, false)));
            case "strip" -> PyStr.strip(s, optionalString(args.bind(name, "chars"), 0));
            case "lstrip" -> PyStr.lstrip(s, optionalString(args.bind(name, "chars"), 0));
            case "rstrip" -> PyStr.rstrip(s, optionalString(args.bind(name, "chars"), 0));
            case "startswith", "endswith" -> affix(s, name, args);
            case "replace" -> {
                Arguments.Bound a = args.bind(name, "old", "new", "count");
                yield PyStr.replace(s, Py.requireString(a.required(0), "replace() argument 1"),
                        Py.requireString(a.required(1), "replace() argument 2"), Py.toLong(a.get(2, -1L), "count"));
            }
            case "upper" -> PyStr.upper(noArgs(s, name, args));
            case "lower" -> PyStr.lower(noArgs(s, name, args));
            case "title" -> PyStr.title(noArgs(s, name, args));
            case "capitalize" -> PyStr.capitalize(noArgs(s, name, args));
            case "swapcase" -> swapcase(noArgs(s, name, args));
            case "find", "rfind", "index", "rindex", "count" -> search(s, name, args);
            case "join" -> join(s, args.bind(name, "iterable").required(0));
            case "format" -> PyFormat.format(s, args);
            case "isdigit", "isdecimal" -> all(noArgs(s, name, args), Character::isDigit);
            case "isnumeric" -> all(noArgs(s, name, args), cp -> Character.getNumericValue(cp) >= 0
                    && !Character.isLetter(cp));
            case "isalpha" -> all(noArgs(s, name, args), Character::isLetter);
            case "isalnum" -> all(noArgs(s, name, args), Character::isLetterOrDigit);
            case "isspace" -> all(noArgs(s, name, args), PyStr::isSpace);
            case "islower" -> PyStr.isCase(noArgs(s, name, args), false);
            case "isupper" -> PyStr.isCase(noArgs(s, name, args), true);
            case "center", "ljust", "rjust" -> {
                Arguments.Bound a = args.bind(name, "width", "fillchar");
                String fill = Py.requireString(a.get(1, " "), "fillchar");
                if (fill.codePointCount(0, fill.length()) != 1) {
                    throw new TemplateException("The fill character must be exactly one character long");
                }
                char align = name.equals("center") ? '^' : name.equals("ljust") ? '<' : '>';
                yield PyStr.pad(s, Py.toLong(a.required(0), "width"), fill, align);
            }
            case "zfill" -> zfill(s, Py.toLong(args.bind(name, "width").required(0), "width"));
            case "removeprefix" -> {
                String prefix = Py.requireString(args.bind(name, "prefix").required(0), "removeprefix() argument");
                yield s.startsWith(prefix) ? s.substring(prefix.length()) : s;
            }
            case "removesuffix" -> {
                String suffix = Py.requireString(args.bind(name, "suffix").required(0), "removesuffix() argument");
                yield s.endsWith(suffix) && !suffix.isEmpty() ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "partition", "rpartition" -> partition(s, name, args);
            default -> throw new IllegalStateException("no str method " + name);
        };
    }

    private static String noArgs(String s, String name, Arguments args) {
        args.bind(name);
        return s;
    }

    private static String optionalString(Arguments.Bound a, int index) {
        Object v = a.get(index, null);
        return v == null ? null : Py.requireString(v, a.params()[index]);
    }

    private static boolean all(String s, java.util.function.IntPredicate test) {
        return !s.isEmpty() && s.codePoints().allMatch(test);
    }

    /** {@code startswith}/{@code endswith} with a string or a tuple of strings, and optional start/end. */
    private static boolean affix(String s, String name, Arguments args) {
        Arguments.Bound a = args.bind(name, "prefix", "start", "end");
        Object wanted = a.required(0);
        int length = s.codePointCount(0, s.length());
        int[] range = Sequences.clampRange(length, Methods.optionalLong(a, 1), Methods.optionalLong(a, 2));
        if (range[0] > length) {
            return false;
        }
        String window = PyStr.window(s, range);
        List<?> options = wanted instanceof PyTuple t ? t : List.of(wanted);
        for (Object option : options) {
            String text = Py.requireString(option, name + " first arg");
            if (name.equals("startswith") ? window.startsWith(text) : window.endsWith(text)) {
                return true;
            }
        }
        return false;
    }

    private static Object search(String s, String name, Arguments args) {
        Arguments.Bound a = args.bind(name, "sub", "start", "end");
        String sub = Py.requireString(a.required(0), name + "() argument 1");
        Long start = Methods.optionalLong(a, 1);
        Long end = Methods.optionalLong(a, 2);
        if (name.equals("count")) {
            int length = s.codePointCount(0, s.length());
            int[] range = Sequences.clampRange(length, start, end);
            if (range[0] > length || range[1] < range[0]) {
                return 0L;
            }
            String window = PyStr.window(s, range);
            return sub.isEmpty() ? (long) window.codePointCount(0, window.length()) + 1
                    : (long) (window.length() - window.replace(sub, "").length()) / sub.length();
        }
        long at = PyStr.find(s, sub, start, end, name.startsWith("r"));
        if (at < 0 && name.endsWith("index")) {
            throw new TemplateException("substring not found");
        }
        return at;
    }

    private static String join(String separator, Object iterable) {
        StringBuilder sb = new StringBuilder();
        List<Object> items = Py.iterate(iterable);
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String item)) {
                throw new TemplateException("sequence item " + i + ": expected str instance, "
                        + Py.typeName(items.get(i)) + " found");
            }
            sb.append(i > 0 ? separator : "").append(item);
        }
        return sb.toString();
    }

    private static String swapcase(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            String one = Character.toString(cp);
            sb.append(Character.isUpperCase(cp) ? PyStr.lower(one)
                    : Character.isLowerCase(cp) ? PyStr.upper(one) : one);
        });
        return sb.toString();
    }

    private static String zfill(String s, long width) {
        int length = s.codePointCount(0, s.length());
        if (width <= length) {
            return s;
        }
        String zeros = "0".repeat((int) (width - length));
        boolean signed = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-');
        return signed ? s.charAt(0) + zeros + s.substring(1) : zeros + s;
    }

    private static PyTuple partition(String s, String name, Arguments args) {
        String sep = Py.requireString(args.bind(name, "sep").required(0), name + "() argument");
        if (sep.isEmpty()) {
            throw new TemplateException("empty separator");
        }
        boolean right = name.equals("rpartition");
        int at = right ? s.lastIndexOf(sep) : s.indexOf(sep);
        if (at < 0) {
            return right ? PyTuple.of("", "", s) : PyTuple.of(s, "", "");
        }
        return PyTuple.of(s.substring(0, at), sep, s.substring(at + sep.length()));
    }
}
