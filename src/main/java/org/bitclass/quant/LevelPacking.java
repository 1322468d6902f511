package org.bitclass.quant;

import java.lang.foreign.MemorySegment;

/**
 * The layout ggml's 32-value blocks share: byte {@code j} of {@code qs} holds level {@code j} in its low
 * nibble and level {@code j + 16} in its high nibble; 5-bit types keep each level's fifth bit in a 32-bit
 * {@code qh} word, bit {@code j} for level {@code j}.
 */
final class LevelPacking {

    static final int BLOCK = 32;
    static final int HALF = BLOCK / 2;

    private LevelPacking() {
    }

    /** Writes the low four bits of 32 levels as 16 bytes at {@code dst[qs..]}. */
    static void putNibbles(int[] levels, int levelOffset, byte[] dst, int qs) {
        for (int j = 0; j < HALF; j++) {
            int lo = levels[levelOffset + j] & 0x0F;
            int hi = levels[levelOffset + j + HALF] & 0x0F;
            dst[qs + j] = (byte) (lo | hi << 4);
        }
    }

    /** The fifth bits of 32 levels as the {@code qh} word. */
    static int fifthBits(int[] levels, int levelOffset) {
        int qh = 0;
        for (int j = 0; j < BLOCK; j++) {
            qh |= ((levels[levelOffset + j] >> 4) & 1) << j;
        }
        return qh;
    }

    /** Level {@code j} (0..15) of a block: the low nibble of {@code qs[j]} plus fifth bit {@code j}. */
    static int lowLevel(MemorySegment src, long qs, int qh, int j) {
        return (LittleEndian.u8(src, qs + j) & 0x0F) | ((qh >>> j) & 1) << 4;
    }

    /** Level {@code j + 16} of a block: the high nibble of {@code qs[j]} plus fifth bit {@code j + 16}. */
    static int highLevel(MemorySegment src, long qs, int qh, int j) {
        return (LittleEndian.u8(src, qs + j) >>> 4) | ((qh >>> (j + HALF)) & 1) << 4;
    }
}
