package org.bitclass.cli;

import java.util.Locale;

/** Human-readable sizes and counts for command output. */
final class Units {

    private Units() {
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    static String count(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        String[] units = {"K", "M", "B", "T"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** "mean ± sd" of {@code values} (sample standard deviation; 0 for one value), two decimals. */
    static String meanAndSd(double[] values) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", mean(values), sd(values));
    }

    /** Sample standard deviation over the mean, in percent: how much repeated runs of one measurement agree. */
    static String coefficientOfVariation(double[] values) {
        return String.format(Locale.ROOT, "%.1f", 100 * sd(values) / mean(values));
    }

    private static double mean(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v / values.length;
        }
        return mean;
    }

    private static double sd(double[] values) {
        double mean = mean(values);
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        return values.length > 1 ? Math.sqrt(var / (values.length - 1)) : 0;
    }
}
