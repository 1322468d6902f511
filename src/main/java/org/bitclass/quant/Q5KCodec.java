package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q5_K: 8 sub-blocks of 32 values with 5-bit levels (5.5 bits per weight). Without importance weights this follows
 * ggml's {@code quantize_row_q5_K_ref}, with them {@code quantize_row_q5_K_impl}.
 */
public final class Q5KCodec extends ScaleMinKCodec {

    /** 32 bytes of fifth bits: value {@code 64c+l} at bit {@code 2c} and value {@code 64c+32+l} at bit {@code 2c+1} of byte {@code l}. */
    public static final int QH_OFFSET = 16;
    /** 128 bytes of the low four bits, laid out as in Q4_K. */
    public static final int QS_OFFSET = 48;
    public static final int BLOCK_BYTES = 176;

    public Q5KCodec() {
        super(GgmlType.Q5_K, 31, -0.5f, 15, true);
    }

    @Override
    void packLevels(int[] levels, byte[] out) {
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int l1 = levels[64 * c + l];
                int l2 = levels[64 * c + 32 + l];
                if (l1 > 15) {
                    l1 -= 16;
                    out[QH_OFFSET + l] |= (byte) (1 << (2 * c));
                }
                if (l2 > 15) {
                    l2 -= 16;
                    out[QH_OFFSET + l] |= (byte) (2 << (2 * c));
                }
                out[QS_OFFSET + 32 * c + l] = (byte) (l1 | l2 << 4);
            }
        }
    }

    @Override
    int level(MemorySegment src, long offset, int c, int i) {
        int q = LittleEndian.u8(src, offset + QS_OFFSET + 32 * c + i % 32);
        int fifth = (LittleEndian.u8(src, offset + QH_OFFSET + i % 32) >> (2 * c + i / 32)) & 1;
        return (i < 32 ? q & 0xF : q >> 4) | fifth << 4;
    }
}
