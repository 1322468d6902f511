package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** A codec whose rows are sequences of fixed-size blocks, decoded one block at a time. */
abstract class BlockCodec implements QuantCodec {

    private final GgmlType type;

    BlockCodec(GgmlType type) {
        this.type = type;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int blocks = wholeBlocks(n);
        for (int b = 0; b < blocks; b++) {
            decodeBlock(src, offset + (long) b * type.typeSize, dst, dstOffset + b * type.blockSize);
        }
    }

    /** Decodes the block stored at {@code src[offset..]} into {@code dst[dstOffset..+blockSize)}. */
    abstract void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset);

    @Override
    public final void quantizeRows(float[] src, int srcOffset, int rows, int n, float[] importance, byte[] dst,
                                   int dstOffset) {
        if (!canQuantize()) {
            throw new UnsupportedOperationException(type + " can be read but not produced");
        }
        int rowBytes = wholeBlocks(n) * type.typeSize;
        if (importance != null && importance.length < n) {
            throw new IllegalArgumentException("importance has " + importance.length + " weights for a row of " + n
                    + " values");
        }
        RowEncoder encoder = newRowEncoder();
        for (int r = 0; r < rows; r++) {
            encoder.encodeRow(src, srcOffset + r * n, n, importance, dst, dstOffset + r * rowBytes);
        }
    }

    /** Encodes one row of whole blocks; holds the working arrays of one {@link #quantizeRows} call. */
    interface RowEncoder {
        void encodeRow(float[] x, int xOffset, int n, float[] importance, byte[] dst, int dstOffset);
    }

    /** A fresh encoder with its own working memory (codecs that can quantize override this). */
    RowEncoder newRowEncoder() {
        throw new UnsupportedOperationException(type + " can be read but not produced");
    }

    /** The number of blocks in {@code n} values, which must be a whole number of blocks. */
    final int wholeBlocks(int n) {
        if (n % type.blockSize != 0) {
            throw new IllegalArgumentException(n + " values are not a whole number of " + type + " blocks of "
                    + type.blockSize);
        }
        return n / type.blockSize;
    }
}
