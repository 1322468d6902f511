package org.bitclass.tokenizer.chat;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Python's {@code datetime.now().strftime(fmt)} on a naive local time, as glibc formats it in the C locale (so
 * {@code %Z} and {@code %z} are empty, and {@code %-d} drops the padding).
 */
final class Strftime {

    private Strftime() {
    }

    static String format(LocalDateTime t, String fmt) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 == fmt.length()) {
                out.append(c);
                continue;
            }
            boolean unpadded = fmt.charAt(i + 1) == '-' && i + 2 < fmt.length();
            char code = fmt.charAt(unpadded ? i + 2 : i + 1);
            String field = field(t, code, unpadded);
            if (field == null) {
                out.append(c);
                continue;
            }
            out.append(field);
            i += unpadded ? 2 : 1;
        }
        return out.toString();
    }

    /** One conversion, or null for a code glibc leaves as written. */
    private static String field(LocalDateTime t, char code, boolean unpadded) {
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return switch (code) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'd' -> number(t.getDayOfMonth(), 2, '0', unpadded);
            case 'e' -> number(t.getDayOfMonth(), 2, ' ', unpadded);
            case 'f' -> number(t.get(ChronoField.MICRO_OF_SECOND), 6, '0', unpadded);
            case 'H' -> number(t.getHour(), 2, '0', unpadded);
            case 'I' -> number(hour12, 2, '0', unpadded);
            case 'j' -> number(t.getDayOfYear(), 3, '0', unpadded);
            case 'm' -> number(t.getMonthValue(), 2, '0', unpadded);
            case 'M' -> number(t.getMinute(), 2, '0', unpadded);
            case 'S' -> number(t.getSecond(), 2, '0', unpadded);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'y' -> number(t.getYear() % 100, 2, '0', unpadded);
            case 'Y' -> Integer.toString(t.getYear());
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'Z', 'z' -> "";
            case 'F' -> format(t, "%Y-%m-%d");
            case 'T' -> format(t, "%H:%M:%S");
            case 'R' -> format(t, "%H:%M");
            case 'D', 'x' -> format(t, "%m/%d/%y");
            case 'X' -> format(t, "%H:%M:%S");
            case 'c' -> format(t, "%a %b %e %H:%M:%S %Y");
            case '%' -> "%";
            default -> null;
        };
    }

    private static String number(int value, int width, char pad, boolean unpadded) {
        String digits = Integer.toString(value);
        return unpadded ? digits : String.valueOf(pad).repeat(Math.max(0, width - digits.length())) + digits;
    }
}
