package org.bitclass.model.kernel;

import org.bitclass.model.ActivationObserver;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Multiplies one batch of activations by one or more weight matrices in a single parallel job (q, k and v, or gate
 * and up, share their input). The input is converted once per batch and format ({@link WeightMatrix#prepareInput});
 * the work is split into tiles of {@link WeightMatrix#rowTile} rows, each multiplied with every token, and each
 * thread takes a contiguous range of tiles.
 */
public final class MatMul {

    /** Rows per tile unless the matrix type asks for another count. */
    static final int ROW_TILE = 4;

    /** One product {@code out[t·rows + r] = Σ_i w[r][i]·x[t·cols + i] + bias[r]}; bias may be null. */
    public record Product(WeightMatrix w, float[] bias, float[] out) {
    }

    private MatMul() {
    }

    /** The products of {@code x} ({@code [nTokens × cols]}); the converted input goes into {@code converted}'s arrays. */
    public static void multiply(WorkerPool pool, ActivationObserver observer, ConvertedInputs converted, float[] x,
                                int nTokens, Product... products) {
        int cols = products[0].w().cols();
        Object[] inputs = new Object[products.length];
        Map<Object, Object> prepared = new IdentityHashMap<>();
        int[] firstTile = new int[products.length + 1];
        for (int p = 0; p < products.length; p++) {
            WeightMatrix w = products[p].w();
            if (w.cols() != cols) {
                throw new IllegalArgumentException(w + " does not take inputs of " + cols + " values");
            }
            if (observer != null) {
                observer.onMatMulInput(w.name(), x, nTokens, cols);
            }
            inputs[p] = prepared.computeIfAbsent(w.inputFormat(nTokens), f -> converted.convert(w, x, nTokens));
            firstTile[p + 1] = firstTile[p] + (w.rows() + w.rowTile(nTokens) - 1) / w.rowTile(nTokens);
        }
        pool.forRange(firstTile[products.length], 1, (from, to) -> {
            int p = 0;
            for (int t = from; t < to; t++) {
                while (t >= firstTile[p + 1]) {
                    p++;
                }
                WeightMatrix w = products[p].w();
                float[] out = products[p].out();
                int row = (t - firstTile[p]) * w.rowTile(nTokens);
                int count = Math.min(w.rowTile(nTokens), w.rows() - row);
                w.multiplyTile(row, count, inputs[p], nTokens, out);
                float[] bias = products[p].bias();
                if (bias != null) {
                    for (int k = 0; k < nTokens; k++) {
                        for (int r = row; r < row + count; r++) {
                            out[k * w.rows() + r] += bias[r];
                        }
                    }
                }
            }
        });
    }
}
