package org.bitclass.model;

/**
 * A few weight rows decoded for integer dot products: levels as integer-valued floats in {@link LaneOrder} layout
 * (k-quants: already multiplied by their sub-block scale, an exact integer product), per-block scales, and per-block
 * extra coefficients (k-quant mins, or Q6_K's scales for its offset term). One per thread, grown as needed.
 */
final class LevelTile {

    private static final ThreadLocal<LevelTile> PER_THREAD = ThreadLocal.withInitial(LevelTile::new);

    /** Extra coefficients per block. */
    static final int COEFFS = 16;

    float[] levels = new float[0];
    float[] d = new float[0];
    float[] dmin = new float[0];
    float[] coeffs = new float[0];

    /** This thread's tile, with room for {@code rows} rows of {@code cols} values in blocks of {@code blockSize}. */
    static LevelTile forThread(int rows, int cols, int blockSize) {
        LevelTile t = PER_THREAD.get();
        int blocks = rows * (cols / blockSize);
        if (t.levels.length < rows * cols) {
            t.levels = new float[rows * cols];
        }
        if (t.d.length < blocks) {
            t.d = new float[blocks];
            t.dmin = new float[blocks];
            t.coeffs = new float[blocks * COEFFS];
        }
        return t;
    }
}
