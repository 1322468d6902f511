package org.bitclass.quant;

/**
 * The float-to-integer roundings ggml's quantizers use, reproduced exactly (including the ties), since one
 * differently rounded value changes a byte of the output.
 */
final class CRounding {

    /** 1.5 * 2^23: adding it leaves a float's integer part in the low mantissa bits, rounded to even. */
    private static final float MAGIC = 12582912f;

    private CRounding() {
    }

    /**
     * ggml's {@code nearest_int}: round half to even through the mantissa of {@code f + 1.5*2^23}. Valid for
     * {@code |f| < 2^22}; outside that it yields the same garbage as the C code.
     */
    static int nearestInt(float f) {
        int bits = Float.floatToRawIntBits(f + MAGIC);
        return (bits & 0x007f_ffff) - 0x0040_0000;
    }

    /** C's {@code roundf}: halves round away from zero. */
    static float roundf(float f) {
        if (!Float.isFinite(f) || Math.abs(f) >= 0x1p23f) {
            return f;
        }
        float truncated = (float) (int) f;
        // f - truncated is exact: both lie in the same binade or the difference is below one
        float fraction = f - truncated;
        if (fraction >= 0.5f) {
            return truncated + 1;
        }
        if (fraction <= -0.5f) {
            return truncated - 1;
        }
        return truncated;
    }

    /**
     * C's float-to-int conversion as x86-64 executes it ({@code cvttss2si}): truncation toward zero, and the
     * "integer indefinite" {@code 0x80000000} for NaN and out-of-range values (where Java would saturate).
     * Such values reach the quantizers only for blocks whose scale underflows.
     */
    static int toInt32(float f) {
        return f >= -0x1p31f && f < 0x1p31f ? (int) f : Integer.MIN_VALUE;
    }

    /** C's {@code (int8_t) f} on x86-64: the low byte of {@link #toInt32}, sign-extended. */
    static int toInt8(float f) {
        return (byte) toInt32(f);
    }

    /** C's {@code (uint8_t) f} on x86-64: the low byte of {@link #toInt32}. */
    static int toUint8(float f) {
        return toInt32(f) & 0xFF;
    }
}
