package org.bitclass.quant;

/**
 * IEEE half precision as ggml converts it (GGML_FP32_TO_FP16 / GGML_FP16_TO_FP32 of the CPU-independent
 * code that quantizes): round to nearest even with correct subnormals and overflow to infinity, every NaN
 * becomes the quiet NaN {@code 0x7E00} with the input's sign. Widening is exact; a NaN comes back quiet.
 */
public final class Fp16 {

    private static final int QUIET_NAN = 0x7E00;
    private static final int FLOAT_QUIET_BIT = 0x0040_0000;

    private Fp16() {
    }

    public static short fromFloat(float f) {
        if (Float.isNaN(f)) {
            int sign = (Float.floatToRawIntBits(f) >>> 16) & 0x8000;
            return (short) (sign | QUIET_NAN);
        }
        return Float.floatToFloat16(f);
    }

    public static float toFloat(short h) {
        float f = Float.float16ToFloat(h);
        if (Float.isNaN(f)) {
            return Float.intBitsToFloat(Float.floatToRawIntBits(f) | FLOAT_QUIET_BIT);
        }
        return f;
    }
}
