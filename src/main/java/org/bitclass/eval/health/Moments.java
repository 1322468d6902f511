package org.bitclass.eval.health;

/**
 * Count, mean and central moment sums (Σd², Σd³, Σd⁴ with d = x − mean) of a stream of values, in double. Each block
 * of values is summed in two passes around its own mean and then merged with Pébay's pairwise formulas, which keeps
 * the result accurate for any number of blocks and any offset of the values from zero.
 */
final class Moments {

    private long n;
    private double mean;
    private double m2;
    private double m3;
    private double m4;
    private double maxAbs;

    /** Adds {@code values[offset .. offset+count)}. */
    void add(float[] values, int offset, int count) {
        if (count == 0) {
            return;
        }
        double sum = 0;
        double blockMaxAbs = 0;
        for (int i = offset; i < offset + count; i++) {
            sum += values[i];
            blockMaxAbs = Math.max(blockMaxAbs, Math.abs(values[i]));
        }
        double blockMean = sum / count;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        for (int i = offset; i < offset + count; i++) {
            double d = values[i] - blockMean;
            double d2 = d * d;
            s2 += d2;
            s3 += d2 * d;
            s4 += d2 * d2;
        }
        merge(count, blockMean, s2, s3, s4);
        maxAbs = Math.max(maxAbs, blockMaxAbs);
    }

    private void merge(long nb, double meanB, double m2b, double m3b, double m4b) {
        long na = n;
        double total = na + nb;
        double delta = meanB - mean;
        double d2 = delta * delta;
        double ab = (double) na * nb;
        double newM4 = m4 + m4b + d2 * d2 * ab * ((double) na * na - ab + (double) nb * nb) / (total * total * total)
                + 6 * d2 * ((double) na * na * m2b + (double) nb * nb * m2) / (total * total)
                + 4 * delta * (na * m3b - nb * m3) / total;
        double newM3 = m3 + m3b + d2 * delta * ab * (na - nb) / (total * total)
                + 3 * delta * (na * m2b - nb * m2) / total;
        m2 = m2 + m2b + d2 * ab / total;
        m3 = newM3;
        m4 = newM4;
        mean += delta * nb / total;
        n += nb;
    }

    long count() {
        return n;
    }

    double mean() {
        return mean;
    }

    /** Population standard deviation (divided by n). */
    double std() {
        return n == 0 ? 0 : Math.sqrt(m2 / n);
    }

    /** Population skewness m₃/m₂^1.5; 0 for constant values. */
    double skewness() {
        return m2 == 0 ? 0 : (m3 / n) / Math.pow(m2 / n, 1.5);
    }

    /** Population excess kurtosis m₄/m₂² − 3; 0 for constant values. */
    double excessKurtosis() {
        return m2 == 0 ? 0 : (m4 / n) / ((m2 / n) * (m2 / n)) - 3;
    }

    double maxAbs() {
        return maxAbs;
    }
}
