package org.bitclass.calib;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bitclass.quant.Imatrix;

/**
 * Running per-column statistics of one matrix's inputs: the sum of squares (and optionally the sum) of each
 * column over all rows seen, and the number of rows. Like llama-imatrix, the sums are float and grow one row at a
 * time (a rounded product, then a rounded sum), so the result depends only on the order of the rows.
 */
final class ColumnStats {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final float[] sumSquares;
    private final float[] sums;
    private long rows;

    ColumnStats(int columns, boolean withSums) {
        this.sumSquares = new float[columns];
        this.sums = withSums ? new float[columns] : null;
    }

    int columns() {
        return sumSquares.length;
    }

    /** Adds {@code nRows} rows of {@code x} ({@code nRows × columns} row-major). */
    void add(float[] x, int nRows) {
        int n = sumSquares.length;
        int bound = F.loopBound(n);
        for (int r = 0; r < nRows; r++) {
            int base = r * n;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector v = FloatVector.fromArray(F, x, base + j);
                FloatVector.fromArray(F, sumSquares, j).add(v.mul(v)).intoArray(sumSquares, j);
                if (sums != null) {
                    FloatVector.fromArray(F, sums, j).add(v).intoArray(sums, j);
                }
            }
            for (; j < n; j++) {
                float v = x[base + j];
                sumSquares[j] += v * v;
                if (sums != null) {
                    sums[j] += v;
                }
            }
        }
        rows += nRows;
    }

    /** Whether every sum is still finite (an overflow or a NaN input makes the statistics useless). */
    boolean finite() {
        for (float v : sumSquares) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    long rows() {
        return rows;
    }

    Imatrix.Entry toEntry() {
        return new Imatrix.Entry(sumSquares, new long[]{rows}, sums);
    }
}
