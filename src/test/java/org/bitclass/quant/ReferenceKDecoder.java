package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

/**
 * Slow element-by-element k-quant decoders written from the block format description (ggml-common.h), independent
 * of the production loops: each value's level, scale and min are located by address arithmetic on the block bytes.
 * The float operations are those ggml's decoders perform, in the same order, so results must be identical.
 */
final class ReferenceKDecoder {

    private ReferenceKDecoder() {
    }

    static float[] decode(GgmlType type, byte[] data) {
        int blocks = data.length / type.typeSize;
        float[] out = new float[blocks * 256];
        for (int b = 0; b < blocks; b++) {
            int base = b * type.typeSize;
            for (int e = 0; e < 256; e++) {
                out[b * 256 + e] = switch (type) {
                    case Q2_K -> q2k(data, base, e);
                    case Q3_K -> q3k(data, base, e);
                    case Q4_K -> q4k(data, base, e);
                    case Q5_K -> q5k(data, base, e);
                    case Q6_K -> q6k(data, base, e);
                    case Q8_K -> q8k(data, base, e);
                    default -> throw new IllegalArgumentException(type.toString());
                };
            }
        }
        return out;
    }

    private static int u8(byte[] d, int i) {
        return d[i] & 0xFF;
    }

    private static float half(byte[] d, int i) {
        return Float.float16ToFloat((short) (u8(d, i) | u8(d, i + 1) << 8));
    }

    /** Bits {@code [from, from+count)} of byte {@code i}. */
    private static int bits(byte[] d, int i, int from, int count) {
        return (u8(d, i) >> from) & ((1 << count) - 1);
    }

    /** Level {@code e} of a 2-bit plane of 64 bytes: byte = 32·(e/128) + e%32, bit pair = (e%128)/32. */
    private static int twoBitLevel(byte[] d, int planeBase, int e) {
        return bits(d, planeBase + 32 * (e / 128) + e % 32, 2 * ((e % 128) / 32), 2);
    }

    // Q2_K: scales[16] | qs[64] | d | dmin
    private static float q2k(byte[] d, int base, int e) {
        int sub = e / 16;
        float dl = half(d, base + 80) * bits(d, base + sub, 0, 4);
        float ml = half(d, base + 82) * bits(d, base + sub, 4, 4);
        return dl * twoBitLevel(d, base + 16, e) - ml;
    }

    // Q3_K: hmask[32] | qs[64] | scales[12] | d
    private static float q3k(byte[] d, int base, int e) {
        int sub = e / 16;
        int low4 = bits(d, base + 96 + sub % 8, 4 * (sub / 8), 4);
        int high2 = bits(d, base + 96 + 8 + sub % 4, 2 * (sub / 4), 2);
        int scale = (low4 | high2 << 4) - 32;
        int q = twoBitLevel(d, base + 32, e) - (bits(d, base + e % 32, e / 32, 1) == 1 ? 0 : 4);
        return half(d, base + 108) * scale * q;
    }

    /** Scale (which = 0) or min (which = 1) {@code j} of a 12-byte Q4_K/Q5_K scale array. */
    private static int scaleMin6(byte[] d, int scales, int j, int which) {
        if (j < 4) {
            return bits(d, scales + 4 * which + j, 0, 6);
        }
        int low4 = bits(d, scales + 8 + (j - 4), 4 * which, 4);
        int high2 = bits(d, scales + 4 * which + (j - 4), 6, 2);
        return low4 | high2 << 4;
    }

    // Q4_K: d | dmin | scales[12] | qs[128]
    private static float q4k(byte[] d, int base, int e) {
        int sub = e / 32;
        float dl = half(d, base) * scaleMin6(d, base + 4, sub, 0);
        float ml = half(d, base + 2) * scaleMin6(d, base + 4, sub, 1);
        int q = bits(d, base + 16 + 32 * (e / 64) + e % 32, 4 * (sub % 2), 4);
        return dl * q - ml;
    }

    // Q5_K: d | dmin | scales[12] | qh[32] | qs[128]
    private static float q5k(byte[] d, int base, int e) {
        int sub = e / 32;
        float dl = half(d, base) * scaleMin6(d, base + 4, sub, 0);
        float ml = half(d, base + 2) * scaleMin6(d, base + 4, sub, 1);
        int q = bits(d, base + 48 + 32 * (e / 64) + e % 32, 4 * (sub % 2), 4) | bits(d, base + 16 + e % 32, sub, 1) << 4;
        return dl * q - ml;
    }

    // Q6_K: ql[128] | qh[64] | scales[16] (int8) | d
    private static float q6k(byte[] d, int base, int e) {
        int halfIdx = e / 128;
        int w = e % 128;
        int quarter = w / 32;
        int low4 = bits(d, base + 64 * halfIdx + 32 * (quarter % 2) + w % 32, 4 * (quarter / 2), 4);
        int high2 = bits(d, base + 128 + 32 * halfIdx + w % 32, 2 * quarter, 2);
        int scale = d[base + 192 + e / 16];
        return half(d, base + 208) * scale * ((low4 | high2 << 4) - 32);
    }

    // Q8_K: d (f32) | qs[256] (int8) | bsums[16]
    private static float q8k(byte[] d, int base, int e) {
        float scale = Float.intBitsToFloat(u8(d, base) | u8(d, base + 1) << 8 | u8(d, base + 2) << 16 | u8(d, base + 3) << 24);
        return scale * d[base + 4 + e];
    }
}
