package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A codec whose blocks are super-blocks of {@link #QK_K} = 256 values, encoded and decoded independently of each
 * other. Subclasses provide one block's encoding and decoding; {@link #decodeBlock} is public so that compute
 * kernels can decode a block straight into their own buffers.
 */
public abstract class SuperBlockCodec implements QuantCodec {

    /** Values per super-block (ggml's {@code QK_K}). */
    public static final int QK_K = 256;

    private final GgmlType type;

    SuperBlockCodec(GgmlType type) {
        if (type.blockSize != QK_K) {
            throw new IllegalArgumentException(type + " is not a 256-value super-block type");
        }
        this.type = type;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    /** Decodes the 256 values of the block at byte {@code offset} of {@code src} into {@code dst[dstOffset..]}. */
    public abstract void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset);

    /**
     * Encodes the 256 values at {@code x[xOffset..]} into {@code out} (one block, zeroed by the caller).
     *
     * @param importance per-value importance from {@code importance[impOffset..]}, or null
     */
    abstract void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch scratch, byte[] out);

    @Override
    public final void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int blocks = blockCount(n);
        for (int b = 0; b < blocks; b++) {
            decodeBlock(src, offset + (long) b * type.typeSize, dst, dstOffset + b * QK_K);
        }
    }

    @Override
    public final void quantizeRow(float[] src, int srcOffset, int n, float[] importance, MemorySegment dst,
                                  long offset) {
        int blocks = blockCount(n);
        if (importance != null && importance.length < n) {
            throw new IllegalArgumentException("importance has " + importance.length + " weights for a row of " + n
                    + " values");
        }
        Scratch scratch = new Scratch();
        byte[] block = new byte[type.typeSize];
        for (int b = 0; b < blocks; b++) {
            Arrays.fill(block, (byte) 0);
            encodeBlock(src, srcOffset + b * QK_K, importance, b * QK_K, scratch, block);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, offset + (long) b * type.typeSize, block.length);
        }
    }

    private int blockCount(int n) {
        if (n % QK_K != 0) {
            throw new IllegalArgumentException(type + " needs a multiple of " + QK_K + " values, got " + n);
        }
        return n / QK_K;
    }

    /** Working arrays of one encoding pass, reused from block to block of a row. */
    static final class Scratch {
        final byte[] levels = new byte[QK_K];
        final byte[] aux = new byte[32];
        final float[] weights = new float[32];
        final float[] scales = new float[16];
        final float[] mins = new float[16];
        final float[] subBlockWeights = new float[16];
        final byte[] scaleLevels = new byte[16];
        final byte[] minLevels = new byte[16];
        final int[] packedScales = new int[16];
        final int[] packedMins = new int[16];
        final short[] blockSums = new short[16];
    }
}
