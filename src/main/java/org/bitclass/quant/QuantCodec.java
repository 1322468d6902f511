package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

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
     * Encodes one row of {@code n} values from {@code src[srcOffset..]} into {@code dst[offset..]}, as llama.cpp's
     * {@code ggml_quantize_chunk} does for one row. {@code importance} holds one weight per column of the row
     * (the imatrix's mean of x²), or is null to quantize without importance weights.
     */
    void quantizeRow(float[] src, int srcOffset, int n, float[] importance, MemorySegment dst, long offset);
}
