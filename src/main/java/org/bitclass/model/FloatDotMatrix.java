package org.bitclass.model;

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

    private static final ThreadLocal<float[][]> TILE = ThreadLocal.withInitial(() -> new float[1][0]);

    FloatDotMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
    }

    /** The activations {@code x[0..n)} rounded to the type's partner format and back; {@code x} itself if exact. */
    abstract float[] roundInput(float[] x, int n);

    /** out[outOff + r - row] = row r · x[xOff..] for r in {@code [row, row+count)}, count ≤ 4, reading the mapped rows. */
    abstract void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff);

    /** Activations of a large batch in {@link RowPanel} group order. */
    private record GroupedFloats(float[] values) {
    }

    /**
     * Whether a batch of this size runs on row panels: a large batch, rows of whole vectors, and vectors of eight
     * lanes, so that the panel's groups are exactly {@link FloatKernels}' lanes and give the same bits.
     */
    private boolean panels(int nTokens) {
        return nTokens >= RowPanel.MIN_BATCH && cols % RowPanel.GROUPS == 0 && FloatKernels.LANES == RowPanel.GROUPS;
    }

    @Override
    final int rowTile(int nTokens) {
        return panels(nTokens) ? LevelTile.ROWS : MatMul.ROW_TILE;
    }

    @Override
    final Object prepareInput(float[] x, int nTokens) {
        float[] rounded = roundInput(x, nTokens * cols);
        return panels(nTokens) ? new GroupedFloats(RowPanel.groupFloats(rounded, nTokens, cols)) : rounded;
    }

    @Override
    final void multiplyTile(int row, int count, Object input, int nTokens, float[] out) {
        if (input instanceof GroupedFloats grouped) {
            multiplyPanels(row, count, grouped.values(), nTokens, out);
            return;
        }
        float[] x = (float[]) input;
        if (nTokens < BATCH_TOKENS) {
            for (int k = 0; k < nTokens; k++) {
                dotRows(row, count, x, k * cols, out, k * rows + row);
            }
            return;
        }
        float[] tile = tileBuffer(count * cols);
        decodeRows(row, count, tile, 0);
        FloatKernels.rowsTimesTokens(tile, count, cols, x, nTokens, out, rows, row);
    }

    /** Sixteen rows as two {@link RowPanel}s, four tokens at a time: each group's fused chain, then the lane tree. */
    private void multiplyPanels(int row, int count, float[] x, int nTokens, float[] out) {
        float[] tile = tileBuffer(LevelTile.ROWS * cols);
        decodeRows(row, count, tile, 0);
        RowPanel[] panels = {RowPanel.forThread(0, cols, cols), RowPanel.forThread(1, cols, cols)};
        for (int i = 0; i < 2; i++) {
            panels[i].loadFloats(tile, i * RowPanel.ROWS, cols);
        }
        float[] finished = new float[RowPanel.ROWS];
        for (int t0 = 0; t0 < nTokens; t0 += RowPanel.TOKENS) {
            RowPanel.groupSums(panels[0], panels[1], x, t0, cols, 0, cols);
            for (int i = 0; i < 2 && i * RowPanel.ROWS < count; i++) {
                int r0 = i * RowPanel.ROWS;
                for (int t = 0; t < Math.min(RowPanel.TOKENS, nTokens - t0); t++) {
                    panels[i].groupSumsTotal(t).intoArray(finished, 0);
                    System.arraycopy(finished, 0, out, (t0 + t) * rows + row + r0, Math.min(RowPanel.ROWS, count - r0));
                }
            }
        }
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
