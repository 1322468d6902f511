package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * MXFP4 (decode only): 32 E2M1 values sharing one E8M0 power-of-two scale. Like ggml, the codebook holds
 * the E2M1 values doubled and the scale is halved to match.
 */
final class Mxfp4Codec extends BlockCodec {

    /** ggml's {@code kvalues_mxfp4}: E2M1 values times two. */
    private static final int[] DOUBLED_E2M1 = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

    Mxfp4Codec() {
        super(GgmlType.MXFP4);
    }

    @Override
    public boolean canQuantize() {
        return false;
    }

    /** {@code 2^(e - 128)}: half the E8M0 value {@code 2^(e - 127)}, subnormal for e < 2. */
    static float halfScale(int e) {
        int bits = e < 2 ? 0x0020_0000 << e : (e - 1) << 23;
        return Float.intBitsToFloat(bits);
    }

    @Override
    void decodeBlock(MemorySegment src, long at, float[] dst, int dstOffset) {
        float d = halfScale(LittleEndian.u8(src, at));
        for (int j = 0; j < 16; j++) {
            int b = LittleEndian.u8(src, at + 1 + j);
            dst[dstOffset + j] = DOUBLED_E2M1[b & 0x0F] * d;
            dst[dstOffset + j + 16] = DOUBLED_E2M1[b >>> 4] * d;
        }
    }
}
