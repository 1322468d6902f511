package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encoding and decoding of one tensor type, block by block, bit-exact with llama.cpp's reference code.
 * Offsets are in bytes for encoded data and in elements for floats; {@code n} is always a whole number of blocks.
 */
public interface QuantCodec {

    GgmlType type();

    /** Decodes {@code n} values stored at {@code src[offset..]} into {@code dst[dstOffset..]}. */
    void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n);

    /** Whether this type can be produced (some types are decode-only). */
    default boolean canQuantize() {
        return true;
    }

    /**
     * Encodes {@code rows} consecutive rows of {@code n} values from {@code src[srcOffset..]} into
     * {@code dst[dstOffset..]}, each row as llama.cpp's {@code ggml_quantize_chunk} encodes one row, the encoded rows
     * back to back. {@code importance} holds one weight per column, shared by the rows (the imatrix's mean of x²),
     * or is null to quantize without importance weights. Working memory is allocated once per call, so callers
     * with many rows should pass them together.
     */
    void quantizeRows(float[] src, int srcOffset, int rows, int n, float[] importance, byte[] dst, int dstOffset);

    /** {@link #quantizeRows} for a single row, written to {@code dst[offset..]}. */
    default void quantizeRow(float[] src, int srcOffset, int n, float[] importance, MemorySegment dst, long offset) {
        byte[] row = new byte[Math.toIntExact(type().bytesFor(n))];
        quantizeRows(src, srcOffset, 1, n, importance, row, 0);
        MemorySegment.copy(row, 0, dst, ValueLayout.JAVA_BYTE, offset, row.length);
    }
}
