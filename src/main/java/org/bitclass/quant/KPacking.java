package org.bitclass.quant;

import java.lang.foreign.MemorySegment;

/**
 * Bit layouts shared by several k-quant blocks: 2-bit level planes (Q2_K, Q3_K), the 12-byte array of eight 6-bit
 * scale/min pairs (Q4_K, Q5_K) and the 12-byte array of sixteen 6-bit scales (Q3_K). Encoders write into a
 * {@code byte[]} block; decoders read any {@link MemorySegment}.
 */
public final class KPacking {

    /** Bytes of a packed scale array (ggml's {@code K_SCALE_SIZE}). */
    public static final int SCALE_BYTES = 12;

    private KPacking() {
    }

    /**
     * Packs 256 levels in [0, 3] into 64 bytes: each half of 128 levels takes 32 bytes, byte {@code l} holding levels
     * {@code l, l+32, l+64, l+96} of that half in bits 0-1, 2-3, 4-5, 6-7.
     */
    static void packTwoBitLevels(int[] levels, byte[] out, int qsOffset) {
        for (int half = 0; half < 2; half++) {
            int base = half * 128;
            for (int l = 0; l < 32; l++) {
                out[qsOffset + half * 32 + l] = (byte) (levels[base + l] | levels[base + l + 32] << 2
                        | levels[base + l + 64] << 4 | levels[base + l + 96] << 6);
            }
        }
    }

    /**
     * Packs eight scale/min pairs, each meant to be 6 bits, into 12 bytes: pairs 0-3 take the low 6 bits of bytes 0-3
     * (scales) and 4-7 (mins); pairs 4-7 keep their low nibbles in bytes 8-11 and their top two bits in the top bits
     * of bytes 0-7. Values are C's {@code uint8_t}: wider ones spill into neighbours exactly as ggml's packing does.
     */
    static void packScaleMin6(int[] scales, int[] mins, byte[] out, int offset) {
        for (int j = 0; j < 8; j++) {
            int ls = scales[j] & 0xFF;
            int lm = mins[j] & 0xFF;
            if (j < 4) {
                out[offset + j] = (byte) ls;
                out[offset + j + 4] = (byte) lm;
            } else {
                out[offset + j + 4] = (byte) ((ls & 0xF) | (lm & 0xF) << 4);
                out[offset + j - 4] |= (byte) ((ls >> 4) << 6);
                out[offset + j] |= (byte) ((lm >> 4) << 6);
            }
        }
    }

    /** Scale {@code j} (0-7) of a 12-byte scale/min array at {@code offset}; ggml's {@code get_scale_min_k4}. */
    public static int scale6(MemorySegment src, long offset, int j) {
        if (j < 4) {
            return LittleEndian.u8(src, offset + j) & 63;
        }
        return (LittleEndian.u8(src, offset + j + 4) & 0xF) | (LittleEndian.u8(src, offset + j - 4) >> 6) << 4;
    }

    /** Min {@code j} (0-7) of a 12-byte scale/min array at {@code offset}. */
    public static int min6(MemorySegment src, long offset, int j) {
        if (j < 4) {
            return LittleEndian.u8(src, offset + j + 4) & 63;
        }
        return (LittleEndian.u8(src, offset + j + 4) >> 4) | (LittleEndian.u8(src, offset + j) >> 6) << 4;
    }

    /**
     * Packs sixteen 6-bit scales (stored biased, 0-63) into 12 bytes: low nibbles of scales 0-7 and 8-15 share bytes
     * 0-7 (low and high nibble), and the top two bits of scale {@code j} go to byte {@code 8 + j%4} at bit
     * {@code 2·(j/4)}. The target bytes must be zero.
     */
    static void packScale6x16(int[] biasedScales, byte[] out, int offset) {
        for (int j = 0; j < 16; j++) {
            int l = biasedScales[j];
            if (j < 8) {
                out[offset + j] = (byte) (l & 0xF);
            } else {
                out[offset + j - 8] |= (byte) ((l & 0xF) << 4);
            }
            out[offset + 8 + j % 4] |= (byte) ((l >> 4) << (2 * (j / 4)));
        }
    }

    /** Scale {@code j} (0-15) of a 16-scale array at {@code offset}, with its bias of 32 removed: -32..31. */
    public static int signedScale6x16(MemorySegment src, long offset, int j) {
        int low = j < 8 ? LittleEndian.u8(src, offset + j) & 0xF : LittleEndian.u8(src, offset + j - 8) >> 4;
        int high = (LittleEndian.u8(src, offset + 8 + j % 4) >> (2 * (j / 4))) & 3;
        return (low | high << 4) - 32;
    }

    /**
     * All eight scale/min pairs of a 12-byte array at {@code offset} (as {@link #scale6} and {@link #min6}), read
     * with two loads: for kernels that decode every block.
     */
    public static void unpackScaleMin6(MemorySegment src, long offset, int[] scales, int[] mins) {
        long lo = src.get(LittleEndian.LONG, offset);
        int hi = LittleEndian.u32(src, offset + 8);
        for (int j = 0; j < 4; j++) {
            int s = (int) (lo >>> (8 * j)) & 0xFF;
            int m = (int) (lo >>> (8 * j + 32)) & 0xFF;
            int q = hi >>> (8 * j) & 0xFF;
            scales[j] = s & 63;
            mins[j] = m & 63;
            scales[j + 4] = (q & 0xF) | (s >> 6) << 4;
            mins[j + 4] = (q >> 4) | (m >> 6) << 4;
        }
    }
}
