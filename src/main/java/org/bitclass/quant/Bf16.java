package org.bitclass.quant;

/**
 * bfloat16 as ggml converts it: the top half of the float rounded to nearest even (overflowing to infinity,
 * subnormals kept), a NaN truncated and forced quiet. Widening just appends sixteen zero bits.
 */
public final class Bf16 {

    private Bf16() {
    }

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
