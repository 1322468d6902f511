package org.bitclass.model;

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

    /** Decodes rows {@code [row, row+count)} (count ≤ 4) into the tile; rows past count may hold anything. */
    abstract void decodeTile(int row, int count, LevelTile tile);

    /**
     * Folds block {@code b}'s lane sums ({@link LevelTile#sums}) into the running state of each of the four rows
     * times tokens {@code t .. t+nt-1} (nt ≤ 2), as the llama.cpp kernel combines its blocks.
     */
    abstract void combine(LevelTile tile, Q8Activations x, int t, int nt, int b);

    /** The finished product of row r and token k of the pair's tokens, from its running state. */
    abstract float finish(LevelTile tile, int r, int k);

    @Override
    final Object prepareInput(float[] x, int nTokens) {
        return Q8Activations.quantize(activations, x, nTokens, cols);
    }

    @Override
    final Object inputFormat() {
        return activations;
    }

    /**
     * Two tokens at a time, block by block: the 4 × 2 micro-kernel sums the block's integer products, then
     * {@link #combine} folds them into each pair's float state in llama.cpp's order.
     */
    @Override
    final void multiplyTile(int row, int count, Object input, int nTokens, float[] out) {
        Q8Activations x = (Q8Activations) input;
        int bs = type.blockSize;
        LevelTile tile = LevelTile.forThread(cols, bs);
        decodeTile(row, count, tile);
        for (int t = 0; t < nTokens; t += 2) {
            int nt = Math.min(2, nTokens - t);
            Arrays.fill(tile.state, 0f);
            for (int b = 0; b < blocks; b++) {
                if (nt == 2) {
                    LaneOrder.fourByTwo(tile.levels, b * bs, cols, x.levels, t * cols + b * bs, cols, bs, tile.sums);
                } else {
                    LaneOrder.fourByOne(tile.levels, b * bs, cols, x.levels, t * cols + b * bs, bs, tile.sums);
                }
                combine(tile, x, t, nt, b);
            }
            for (int k = 0; k < nt; k++) {
                for (int r = 0; r < count; r++) {
                    out[(t + k) * rows + row + r] = finish(tile, r, k);
                }
            }
        }
    }

    /** As llama.cpp's get_rows: the codec's float decoding. */
    @Override
    final void decodeRows(int row, int count, float[] dst, int dstOff) {
        codec.dequantize(data, row * rowBytes, dst, dstOff, count * cols);
    }

    /** Stores level {@code q} of element {@code e} of row {@code r} (tile coordinates) in lane order. */
    final void putLevel(LevelTile tile, int r, int e, int q) {
        tile.levels[r * cols + (e & ~31) + LaneOrder.position(e & 31)] = q;
    }
}
