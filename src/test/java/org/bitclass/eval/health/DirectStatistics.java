package org.bitclass.eval.health;

/** The moments of a set of values computed naively in two passes over all of them, in double: the tests' reference. */
record DirectStatistics(double mean, double std, double skewness, double excessKurtosis, double maxAbs, long beyond6Sigma) {

    static DirectStatistics of(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double maxAbs = 0;
        for (float x : v) {
            double d = x - mean;
            s2 += d * d;
            s3 += d * d * d;
            s4 += d * d * d * d;
            maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        double var = s2 / v.length;
        double std = Math.sqrt(var);
        long beyond = 0;
        for (float x : v) {
            beyond += Math.abs(x - mean) > 6 * std ? 1 : 0;
        }
        return new DirectStatistics(mean, std, s3 / v.length / Math.pow(var, 1.5), s4 / v.length / (var * var) - 3,
                maxAbs, beyond);
    }
}
