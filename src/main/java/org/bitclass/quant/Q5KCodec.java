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
    public void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, offset + D_OFFSET);
        float dmin = LittleEndian.half(src, offset + DMIN_OFFSET);
        long scales = offset + SCALES_OFFSET;
        for (int c = 0; c < 4; c++) {
            float d1 = d * KPacking.scale6(src, scales, 2 * c);
            float m1 = dmin * KPacking.min6(src, scales, 2 * c);
            float d2 = d * KPacking.scale6(src, scales, 2 * c + 1);
            float m2 = dmin * KPacking.min6(src, scales, 2 * c + 1);
            long qs = offset + QS_OFFSET + 32 * c;
            int out = dstOffset + 64 * c;
            for (int l = 0; l < 32; l++) {
                int q = LittleEndian.u8(src, qs + l);
                int qh = LittleEndian.u8(src, offset + QH_OFFSET + l) >> (2 * c);
                dst[out + l] = d1 * ((q & 0xF) + ((qh & 1) << 4)) - m1;
                dst[out + 32 + l] = d2 * ((q >> 4) + ((qh & 2) << 3)) - m2;
            }
        }
    }
}
