package org.bitclass.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * C's {@code printf("%W.Pf")} for the figures llama.cpp prints. Java's formatter rounds the shortest decimal
 * representation half-up; C rounds the exact binary value half-to-even and keeps the minus sign of a negative
 * value that rounds to zero ({@code -0.000}). Both differences show in printed statistics, so we format as C does.
 */
public final class CFormat {

    private CFormat() {
    }

    /** {@code %width.precisionf}: right-aligned in at least {@code width} characters. */
    public static String fixed(double value, int width, int precision) {
        String digits;
        if (Double.isNaN(value)) {
            digits = Double.doubleToRawLongBits(value) < 0 ? "-nan" : "nan";
        } else if (Double.isInfinite(value)) {
            digits = value < 0 ? "-inf" : "inf";
        } else {
            boolean negative = Double.doubleToRawLongBits(value) < 0;
            String magnitude = new BigDecimal(Math.abs(value)).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
            digits = negative ? "-" + magnitude : magnitude;
        }
        return digits.length() >= width ? digits : " ".repeat(width - digits.length()) + digits;
    }

    /** {@code %.precisionf}. */
    public static String fixed(double value, int precision) {
        return fixed(value, 0, precision);
    }
}
