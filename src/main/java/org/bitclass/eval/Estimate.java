package org.bitclass.eval;

/** A figure and its standard error, as llama-perplexity derives them from running sums. */
public record Estimate(double value, double error) {

    /**
     * Mean of {@code count} values from their sum and sum of squares, with the standard error of the mean
     * (zero for ten values or fewer, or when rounding makes the variance non-positive).
     */
    public static Estimate mean(double sum, double sum2, long count) {
        if (count < 1) {
            return new Estimate(0, 0);
        }
        double mean = sum / count;
        double variance = sum2 / count - mean * mean;
        return new Estimate(mean, variance > 0 && count > 10 ? Math.sqrt(variance / (count - 1)) : 0);
    }

    /** Covariance of the means of two series from their sums and the sum of products (zero below ten values). */
    public static double covariance(double sumA, double sumB, double sumAB, long count) {
        if (count < 10) {
            return 0;
        }
        return (sumAB / count - (sumA / count) * (sumB / count)) / (count - 1);
    }

    /** e^x of a mean with the error carried to first order. */
    public Estimate exp() {
        double e = Math.exp(value);
        return new Estimate(e, e * error);
    }
}
