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
                dst[out + l] = d1 * (q & 0xF) - m1;
                dst[out + 32 + l] = d2 * (q >> 4) - m2;
            }
        }
    }
}
