package org.bitclass.cli;

/**
 * Range checks of numeric options. A value out of range is a {@link UsageError} naming the option, the range and
 * the value given; NaN is out of every range.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new UsageError(option + " must be at least " + min + ", not " + value);
        }
    }

    /** {@code -1} meaning {@code all} (llama.cpp's convention for "no limit"), or at least {@code min}. */
    static void allOrAtLeast(String option, long value, long min, String all) {
        if (value != -1 && value < min) {
            throw new UsageError(option + " must be -1 (" + all + ") or at least " + min + ", not " + value);
        }
    }

    static void atLeast(String option, double value, double min) {
        if (!(value >= min)) {
            throw new UsageError(option + " must be at least " + number(min) + ", not " + number(value));
        }
    }

    static void above(String option, double value, double min) {
        if (!(value > min)) {
            throw new UsageError(option + " must be above " + number(min) + ", not " + number(value));
        }
    }

    /** {@code min < value <= max}, or with {@code minIncluded} {@code min <= value <= max}. */
    static void within(String option, double value, double min, boolean minIncluded, double max) {
        if (!(minIncluded ? value >= min : value > min) || !(value <= max)) {
            throw new UsageError(option + " must be in " + (minIncluded ? "[" : "(") + number(min) + ", " + number(max)
                    + "], not " + number(value));
        }
    }

    /** 1 rather than 1.0 for whole numbers. */
    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
