package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * TQ1_0 and TQ2_0 (decode only): 256 values in {-1, 0, 1} times one fp16 scale stored after them. TQ2_0 packs
 * four 2-bit digits per byte; TQ1_0 packs five base-3 digits per byte as a fixed-point fraction of 243
 * (48 bytes holding 240 values) and four more per byte in 4 bytes for the last 16.
 */
final class TernaryCodec extends BlockCodec {

    private static final int[] POW3 = {1, 3, 9, 27, 81, 243};

    TernaryCodec(GgmlType type) {
        super(type);
        if (type != GgmlType.TQ1_0 && type != GgmlType.TQ2_0) {
            throw new IllegalArgumentException(type + " is not a ternary type");
        }
    }

    @Override
    public boolean canQuantize() {
        return false;
    }

    @Override
    void decodeBlock(MemorySegment src, long at, float[] dst, int dstOffset) {
        if (type() == GgmlType.TQ2_0) {
            decodeTwoBit(src, at, dst, dstOffset);
        } else {
            decodeBase3(src, at, dst, dstOffset);
        }
    }

    private static void decodeTwoBit(MemorySegment src, long at, float[] dst, int y) {
        float d = LittleEndian.half(src, at + 64);
        for (int j = 0; j < 64; j += 32) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int m = 0; m < 32; m++) {
                    int q = (LittleEndian.u8(src, at + j + m) >>> shift) & 3;
                    dst[y++] = (float) (q - 1) * d;
                }
            }
        }
    }

    private static void decodeBase3(MemorySegment src, long at, float[] dst, int y) {
        float d = LittleEndian.half(src, at + 52);
        // bytes 0..31 carry 5 digits for 32 columns each, bytes 32..47 for 16 columns, bytes 48..51 4 digits
        y = decodeDigits(src, at, 32, 5, d, dst, y);
        y = decodeDigits(src, at + 32, 16, 5, d, dst, y);
        decodeDigits(src, at + 48, 4, 4, d, dst, y);
    }

    /** Digit {@code n} of every byte in turn: the top base-3 digit of the byte times 3^n (mod 256). */
    private static int decodeDigits(MemorySegment src, long at, int width, int digits, float d, float[] dst, int y) {
        for (int n = 0; n < digits; n++) {
            for (int m = 0; m < width; m++) {
                int q = (LittleEndian.u8(src, at + m) * POW3[n]) & 0xFF;
                int digit = (q * 3) >> 8;
                dst[y++] = (float) (digit - 1) * d;
            }
        }
        return y;
    }
}
