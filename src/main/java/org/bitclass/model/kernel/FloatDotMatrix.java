package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * A matrix multiplied in float: the activations are rounded the way llama.cpp rounds them ({@link #roundInput}),
 * then each row's dot product runs over decoded floats. With several tokens a tile of rows is decoded once and
 * multiplied with every token; with one or two the rows are read straight from the mapped bytes. Both routes give
 * the same bits for a row (see {@link FloatKernels}).
 */
abstract class FloatDotMatrix extends WeightMatrix {

    /** From this many tokens on, decoding a tile once and reusing it beats reading the mapped rows per token. */
    static final int BATCH_TOKENS = 3;

    /** Decoded floats per batch tile: with the activations streaming past, the tile stays within L2. */
    private static final int TILE_FLOATS = 48 * 1024;

    private static final ThreadLocal<float[][]> TILE = ThreadLocal.withInitial(() -> new float[1][0]);

    FloatDotMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
    }

    /**
     * The activations {@code x[0..n)} rounded to the type's partner format and back, into {@code dst} if it is
     * large enough (it may be null); {@code x} itself if exact.
     */
    abstract float[] roundInput(float[] x, int n, float[] dst);

    /** out[outOff + r - row] = row r · x[xOff..] for r in {@code [row, row+count)}, count ≤ 4, reading the mapped rows. */
    abstract void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff);

    @Override
    final Object prepareInput(float[] x, int nTokens, Object previous) {
        return roundInput(x, nTokens * cols, (float[]) previous);
    }

    /** {@code buffer} if it holds at least {@code n} floats, else a new array of {@code n}. */
    static float[] atLeast(float[] buffer, int n) {
        return buffer != null && buffer.length >= n ? buffer : new float[n];
    }

    /**
     * Four rows for one or two tokens; for a batch, up to 16 rows (as many as {@link #TILE_FLOATS} holds), so
     * each token's activations are read from memory once per 16 rows rather than per 4.
     */
    @Override
    final int rowTile(int nTokens) {
        return nTokens < BATCH_TOKENS ? MatMul.ROW_TILE : batchRowTile(cols);
    }

    /** Rows per decoded batch tile of a matrix of {@code cols} columns. */
    static int batchRowTile(int cols) {
        return Math.clamp(TILE_FLOATS / cols / 4 * 4, 4, 16);
    }

    @Override
    final void multiplyTile(int row, int count, Object input, int nTokens, float[] out) {
        float[] x = (float[]) input;
        if (nTokens < BATCH_TOKENS) {
            for (int k = 0; k < nTokens; k++) {
                dotRows(row, count, x, k * cols, out, k * rows + row);
            }
            return;
        }
        multiplyDecoded(this, row, count, x, nTokens, out);
    }

    /** Rows {@code [row, row+count)} of {@code w} decoded to a float tile once, then times every token of x. */
    static void multiplyDecoded(WeightMatrix w, int row, int count, float[] x, int nTokens, float[] out) {
        float[] tile = tileBuffer(count * w.cols);
        w.decodeRows(row, count, tile, 0);
        FloatKernels.rowsTimesTokens(tile, count, w.cols, x, nTokens, out, w.rows, row);
    }

    /** A per-thread buffer of at least {@code n} floats, kept across calls. */
    private static float[] tileBuffer(int n) {
        float[][] holder = TILE.get();
        if (holder[0].length < n) {
            holder[0] = new float[n];
        }
        return holder[0];
    }
}
