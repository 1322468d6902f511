package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A codec whose blocks are super-blocks of {@link #QK_K} = 256 values, encoded and decoded independently of each
 * other. Subclasses provide one block's encoding and decoding; {@link #decodeBlock} is public so that compute
 * kernels can decode a block straight into their own buffers.
 */
public abstract class SuperBlockCodec extends BlockCodec {

    /** Values per super-block (ggml's {@code QK_K}). */
    public static final int QK_K = 256;

    SuperBlockCodec(GgmlType type) {
        super(type);
        if (type.blockSize != QK_K) {
            throw new IllegalArgumentException(type + " is not a 256-value super-block type");
        }
    }

    /** Decodes the 256 values of the block at byte {@code offset} of {@code src} into {@code dst[dstOffset..]}. */
    @Override
    public abstract void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset);

    /**
     * Encodes the 256 values at {@code x[xOffset..]} into {@code s.block}, which the caller has zeroed.
     *
     * @param importance per-value importance from {@code importance[impOffset..]}, or null
     */
    abstract void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch s);

    @Override
    final RowEncoder newRowEncoder() {
        int blockBytes = type().typeSize;
        Scratch scratch = new Scratch(blockBytes);
        return (x, xOffset, n, importance, dst, dstOffset) -> {
            for (int b = 0; b < n / QK_K; b++) {
                Arrays.fill(scratch.block, (byte) 0);
                encodeBlock(x, xOffset + b * QK_K, importance, b * QK_K, scratch);
                System.arraycopy(scratch.block, 0, dst, dstOffset + b * blockBytes, blockBytes);
            }
        };
    }

    /** The block being encoded and the working arrays of one encoding pass, reused from block to block of a row. */
    static final class Scratch {
        final byte[] block;
        /** {@link #block} as a segment, for little-endian and packed-field access. */
        final MemorySegment view;
        final int[] levels = new int[QK_K];
        final int[] subLevels = new int[32];
        final float[] weights = new float[32];
        final float[] scales = new float[16];
        final float[] mins = new float[16];
        final float[] subBlockWeights = new float[16];
        final int[] scaleLevels = new int[16];
        final int[] minLevels = new int[16];
        final short[] blockSums = new short[16];
        final ScaleSearch search = new ScaleSearch();

        Scratch(int blockBytes) {
            block = new byte[blockBytes];
            view = MemorySegment.ofArray(block);
        }

        /** The sum of {@code weights[0..n)}, accumulated in order. */
        float sumOfWeights(int n) {
            float sum = 0;
            for (int i = 0; i < n; i++) {
                sum += weights[i];
            }
            return sum;
        }

        /** Stores a sub-block search's levels ({@link #subLevels}) at {@code levels[offset..offset+n)}. */
        void keepSubLevels(int offset, int n) {
            System.arraycopy(subLevels, 0, levels, offset, n);
        }
    }
}
