package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K: 8 sub-blocks of 32 values with 4-bit levels (4.5 bits per weight). Without importance weights this follows
 * ggml's {@code quantize_row_q4_K_ref}, with them {@code quantize_row_q4_K_impl}.
 */
public final class Q4KCodec extends ScaleMinKCodec {

    /** 128 bytes; chunk {@code c} (32 bytes) holds values {@code 64c+l} in low nibbles and {@code 64c+32+l} in high. */
    public static final int QS_OFFSET = 16;
    public static final int BLOCK_BYTES = 144;

    public Q4KCodec() {
        super(GgmlType.Q4_K, 15, -1f, 20, false);
    }

    @Override
    void packLevels(int[] levels, byte[] out) {
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                out[QS_OFFSET + 32 * c + l] = (byte) (levels[64 * c + l] | levels[64 * c + 32 + l] << 4);
            }
        }
    }

    @Override
    int level(MemorySegment src, long offset, int c, int i) {
        int q = LittleEndian.u8(src, offset + QS_OFFSET + 32 * c + i % 32);
        return i < 32 ? q & 0xF : q >> 4;
    }
}
