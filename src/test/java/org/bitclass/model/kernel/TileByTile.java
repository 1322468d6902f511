package org.bitclass.model.kernel;

/** Test helper: a whole matrix product computed tile by tile on one thread, as {@link MatMul} splits the work. */
final class TileByTile {

    private TileByTile() {
    }

    /** {@code out[t·rows + r] = row r of w · token t of x} for {@code nTokens} tokens. */
    static float[] multiply(WeightMatrix w, float[] x, int nTokens) {
        Object in = w.prepareInput(x, nTokens, null);
        float[] out = new float[nTokens * w.rows()];
        for (int row = 0; row < w.rows(); row += w.rowTile(nTokens)) {
            w.multiplyTile(row, Math.min(w.rowTile(nTokens), w.rows() - row), in, nTokens, out);
        }
        return out;
    }
}
