package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A block-quantized matrix multiplied the way llama.cpp's x86 AVX2 build multiplies it: the activations are
 * quantized once per batch to the type's Q8 partner ({@link Q8Activations}), a tile of rows is decoded once to
 * integer levels ({@link LevelTile}), and each (row, token) product sums integer block dot products with exactly
 * llama.cpp's float combination order, so the results carry the same bits. Subclasses decode their type and finish
 * the per-block sums as the matching ggml kernel does.
 */
abstract class IntegerDotMatrix extends WeightMatrix {

    private final QuantCodec codec;
    final ActivationQuantizer activations;
    final int blocks;

    IntegerDotMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
        if (cols % type.blockSize != 0) {
            throw new IllegalArgumentException("tensor " + name + " has rows of " + cols + " values, not a multiple of the "
                    + type + " block of " + type.blockSize);
        }
        this.codec = QuantRegistry.codec(type);
        this.activations = ActivationQuantizer.forWeights(type);
        this.blocks = cols / type.blockSize;
    }

    static boolean supports(GgmlType type) {
        return switch (type) {
            case Q8_0, Q4_0, IQ4_NL, Q4_K, Q5_K, Q6_K, IQ4_XS -> true;
            default -> false;
        };
    }

    static IntegerDotMatrix of(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        return switch (type) {
            case Q8_0, Q4_0, IQ4_NL -> new Block32DotMatrix(name, type, rows, cols, data);
            case Q4_K, Q5_K -> new ScaleMinDotMatrix(name, type, rows, cols, data);
            case Q6_K -> new Q6KDotMatrix(name, rows, cols, data);
            case IQ4_XS -> new IQ4XSDotMatrix(name, rows, cols, data);
            default -> throw new IllegalArgumentException(type + " has no integer dot product");
        };
    }

    /**
     * Whether llama.cpp's CPU backend repacks this matrix into interleaved rows on AVX2 (ggml-cpu/repack.cpp:
     * Q4_0, Q4_K and IQ4_NL with a row count divisible by 8, in the weight buffers of matrix multiplications; the
     * token embedding is read by get_rows and stays plain). Repacked kernels combine the blocks in another order.
     */
    boolean repackedByLlamaCpp() {
        return (type == GgmlType.Q4_0 || type == GgmlType.Q4_K || type == GgmlType.IQ4_NL)
                && rows % 8 == 0 && !name.equals("token_embd.weight");
    }

    /** Decodes rows {@code [row, row+count)} (count ≤ 16) into the tile; rows past count may hold anything. */
    abstract void decodeTile(int row, int count, LevelTile tile);

    /**
     * Folds block {@code b}'s lane sums ({@link LevelTile#sums}) for rows {@code r0 .. r0+3} times tokens
     * {@code t .. t+nt-1} (nt ≤ 2) into their running state, as the llama.cpp kernel combines its blocks. By
     * default as the plain kernels do: a lane accumulator per pair gains the lane sums times {@code d_w·d_x}.
     */
    void combine(LevelTile tile, Q8Activations x, int t, int nt, int b, int r0) {
        for (int k = 0; k < nt; k++) {
            float xd = x.scales[(t + k) * blocks + b];
            for (int r = r0; r < r0 + 4; r++) {
                FloatVector lanes = FloatVector.fromArray(LaneOrder.S, tile.sums, LevelTile.pair(r, k));
                int s = LevelTile.stateOf(r, k);
                lanes.fma(FloatVector.broadcast(LaneOrder.S, tile.d[r * blocks + b] * xd),
                        FloatVector.fromArray(LaneOrder.S, tile.state, s)).intoArray(tile.state, s);
            }
        }
    }

    /** The finished product of row r and token k of the pair's tokens: by default ggml's sum of the lanes. */
    float finish(LevelTile tile, int r, int k) {
        return LaneOrder.sum(FloatVector.fromArray(LaneOrder.S, tile.state, LevelTile.stateOf(r, k)));
    }

    /**
     * As {@link #combine} for a panel: block b's group sums ({@link RowPanel#groupSums}) for the eight rows times
     * tokens {@code t0 .. t0+3}, folded into the panel's state; by default, group accumulators in state slots 0-7.
     */
    void combinePanel(RowPanel p, Q8Activations x, int t0, int b) {
        FloatVector d = RowPanel.rows(p.d, b);
        for (int t = 0; t < RowPanel.TOKENS; t++) {
            FloatVector scale = d.mul(x.scales[(t0 + t) * blocks + b]);
            for (int g = 0; g < RowPanel.GROUPS; g++) {
                p.accumulate(t, g, p.groupSum(g, t), scale);
            }
        }
    }

    /** Whether {@link #decodeTile} fills the tile's mins and extra coefficients (k-quants), besides the scales. */
    boolean hasCoefficients() {
        return true;
    }

    /** The finished products of the panel's eight rows and token t (of its four), into {@code dst[0..8)}. */
    void finishPanel(RowPanel p, int t, float[] dst) {
        p.groupTotal(t).intoArray(dst, 0);
    }

    @Override
    final Object prepareInput(float[] x, int nTokens, Object previous) {
        return Q8Activations.quantize(activations, x, nTokens, cols, (Q8Activations) previous);
    }

    @Override
    final Object inputFormat(int nTokens) {
        return activations;
    }

    /** Sixteen rows for panels; four for small batches, so that one token's decoded rows stay in L1. */
    @Override
    final int rowTile(int nTokens) {
        return nTokens >= RowPanel.MIN_BATCH ? LevelTile.ROWS : MatMul.ROW_TILE;
    }

    @Override
    final void multiplyTile(int row, int count, Object input, int nTokens, float[] out) {
        Q8Activations x = (Q8Activations) input;
        if (nTokens == 1 && multiplyOneToken(row, count, x, out)) {
            return;
        }
        LevelTile tile = LevelTile.forThread(cols, type.blockSize);
        decodeTile(row, count, tile);
        if (x.grouped) {
            multiplyPanel(tile, row, count, x, nTokens, out);
            return;
        }
        for (int r0 = 0; r0 < count; r0 += 4) {
            multiplyPairs(tile, row, r0, Math.min(4, count - r0), x, nTokens, out);
        }
    }

    /**
     * A type's own kernel for a single token (generation, where decoding every weight once dominates), reading the
     * stored blocks directly; returns false when the type has none and the tile path applies.
     */
    boolean multiplyOneToken(int row, int count, Q8Activations x, float[] out) {
        return false;
    }

    /**
     * Rows {@code r0 .. r0+3} of the tile, two tokens at a time, block by block: the 4 × 2 micro-kernel sums each
     * block's integer products, then {@link #combine} folds them into each pair's float state in llama.cpp's order.
     */
    private void multiplyPairs(LevelTile tile, int row, int r0, int count, Q8Activations x, int nTokens,
                               float[] out) {
        int bs = type.blockSize;
        int w0 = r0 * cols;
        for (int t = 0; t < nTokens; t += 2) {
            int nt = Math.min(2, nTokens - t);
            Arrays.fill(tile.state, 0f);
            for (int b = 0; b < blocks; b++) {
                if (nt == 2) {
                    LaneOrder.fourByTwo(tile.levels, w0 + b * bs, cols, x.levels, t * cols + b * bs, cols, bs,
                            tile.sums);
                } else {
                    LaneOrder.fourByOne(tile.levels, w0 + b * bs, cols, x.levels, t * cols + b * bs, bs, tile.sums);
                }
                combine(tile, x, t, nt, b, r0);
            }
            for (int k = 0; k < nt; k++) {
                for (int r = 0; r < count; r++) {
                    out[(t + k) * rows + row + r0 + r] = finish(tile, r0 + r, k);
                }
            }
        }
    }

    /** The sixteen rows as two {@link RowPanel}s, four tokens at a time (the batch is padded to whole panels). */
    private void multiplyPanel(LevelTile tile, int row, int count, Q8Activations x, int nTokens, float[] out) {
        int bs = type.blockSize;
        RowPanel[] panels = {RowPanel.forThread(0, cols, bs), RowPanel.forThread(1, cols, bs)};
        for (int i = 0; i < 2; i++) {
            panels[i].load(tile, i * RowPanel.ROWS, cols, bs, hasCoefficients());
        }
        float[] finished = new float[RowPanel.ROWS];
        for (int t0 = 0; t0 < nTokens; t0 += RowPanel.TOKENS) {
            for (RowPanel p : panels) {
                Arrays.fill(p.state, 0f);
            }
            for (int b = 0; b < blocks; b++) {
                RowPanel.groupSums(panels[0], panels[1], x.levels, t0, cols, b, bs);
                combinePanel(panels[0], x, t0, b);
                combinePanel(panels[1], x, t0, b);
            }
            for (int i = 0; i < 2 && i * RowPanel.ROWS < count; i++) {
                int r0 = i * RowPanel.ROWS;
                for (int t = 0; t < Math.min(RowPanel.TOKENS, nTokens - t0); t++) {
                    finishPanel(panels[i], t, finished);
                    System.arraycopy(finished, 0, out, (t0 + t) * rows + row + r0, Math.min(RowPanel.ROWS, count - r0));
                }
            }
        }
    }

    /** As llama.cpp's get_rows: the codec's float decoding. */
    @Override
    public final void decodeRows(int row, int count, float[] dst, int dstOff) {
        codec.dequantize(data, row * rowBytes, dst, dstOff, count * cols);
    }

    /** Stores level {@code q} of element {@code e} of row {@code r} (tile coordinates) in lane order. */
    final void putLevel(LevelTile tile, int r, int e, int q) {
        tile.levels[r * cols + (e & ~31) + LaneOrder.position(e & 31)] = q;
    }
}
