package org.bitclass.eval.health;

/**
 * The statistics compared across layers, each with the spread it has from sampling alone: for a tensor of n values
 * drawn from a normal distribution of standard deviation σ, the standard error of the statistic. A role's spread
 * (MAD) is never taken below this, so layers that differ only by sampling noise are not flagged.
 */
public enum HealthStat {
    MEAN("mean"),
    STD("std"),
    SKEWNESS("skewness"),
    EXCESS_KURTOSIS("excess_kurtosis"),
    MAX_ABS("max_abs"),
    BEYOND_6_SIGMA("beyond_6sigma");

    /** The name in JSON and tables. */
    public final String key;

    HealthStat(String key) {
        this.key = key;
    }

    /** Standard error of this statistic for n normal values of standard deviation sigma (and outlier fraction p). */
    double samplingError(double sigma, double n, double p) {
        return switch (this) {
            case MEAN -> sigma / Math.sqrt(n);
            case STD -> sigma / Math.sqrt(2 * n);
            case SKEWNESS -> Math.sqrt(6 / n);
            case EXCESS_KURTOSIS -> Math.sqrt(24 / n);
            // the maximum of n normals is Gumbel-distributed with scale β = σ/√(2 ln n) and an exponential right tail:
            // 2.6·β makes 3.5 of them (the threshold) a 1-in-10⁴ event, like the normal errors above
            case MAX_ABS -> 2.6 * sigma / Math.sqrt(2 * Math.log(Math.max(n, 2)));
            // binomial error of the fraction, counting at least one value's worth
            case BEYOND_6_SIGMA -> Math.sqrt(Math.max(p, 1 / n) / n);
        };
    }
}
