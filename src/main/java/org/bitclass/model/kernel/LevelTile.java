package org.bitclass.model.kernel;

/**
 * Sixteen weight rows decoded for integer dot products: levels as integer-valued floats in {@link LaneOrder} layout
 * (k-quants: already multiplied by their sub-block scale, an exact integer product), per-block scales, and per-block
 * extra coefficients (k-quant mins, or Q6_K's scales for its offset term). Beside them, the scratch of the 4 × 2
 * micro-kernel (run on each four of the rows in turn): the lane sums of one block for each (row, token) pair, and
 * each pair's running float state. One per thread, grown as needed.
 */
final class LevelTile {

    private static final ThreadLocal<LevelTile> PER_THREAD = ThreadLocal.withInitial(LevelTile::new);

    static final int ROWS = 2 * RowPanel.ROWS;
    /** Extra coefficients per block. */
    static final int COEFFS = 16;
    /** Floats of running state per (row, token) pair: a lane accumulator and a few scalars. */
    static final int STATE = 16;

    float[] levels = new float[0];
    float[] d = new float[0];
    float[] dmin = new float[0];
    float[] coeffs = new float[0];
    /** One block's lane sums, pair (r, k) at {@link #pair}. */
    final float[] sums = new float[4 * 2 * LaneOrder.LANES];
    /** Each pair's running state, at {@link #stateOf}. */
    final float[] state = new float[4 * 2 * STATE];

    /** This thread's tile, with room for sixteen rows of {@code cols} values in blocks of {@code blockSize}. */
    static LevelTile forThread(int cols, int blockSize) {
        LevelTile t = PER_THREAD.get();
        int blocks = ROWS * (cols / blockSize);
        if (t.levels.length < ROWS * cols) {
            t.levels = new float[ROWS * cols];
        }
        if (t.d.length < blocks) {
            t.d = new float[blocks];
            t.dmin = new float[blocks];
            t.coeffs = new float[blocks * COEFFS];
        }
        return t;
    }

    /** Where pair (row r of the current half, token k of the two) keeps its lane sums in {@link #sums}. */
    static int pair(int r, int k) {
        return (2 * (r & 3) + k) * LaneOrder.LANES;
    }

    /** Where pair (r, k) keeps its running state in {@link #state}. */
    static int stateOf(int r, int k) {
        return (2 * (r & 3) + k) * STATE;
    }
}
