package org.bitclass.model.kernel;

/**
 * A thread's arrays for the one-token kernels: a block's scales, mins and integer sums, the eight lanes of a row's
 * accumulator, and a decoded row. Allocated per row they were 30–60 MB of garbage per generated token of a 0.6B
 * model, and a vector passed to a helper that C2 leaves out of line is boxed; through these arrays neither happens.
 */
final class OneTokenScratch {

    private static final ThreadLocal<OneTokenScratch> OF_THREAD = ThreadLocal.withInitial(OneTokenScratch::new);

    final int[] scales = new int[8];
    final int[] mins = new int[8];
    final int[] sums = new int[8];
    final float[] lanes = new float[8];
    private float[] row = new float[0];

    private OneTokenScratch() {
    }

    static OneTokenScratch ofThread() {
        return OF_THREAD.get();
    }

    /** A row of at least {@code n} floats, for kernels that decode a row before its dot product. */
    float[] row(int n) {
        if (row.length < n) {
            row = new float[n];
        }
        return row;
    }
}
