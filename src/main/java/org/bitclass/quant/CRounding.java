package org.bitclass.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

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

    /** {@link #nearestInt(float)} in every lane. */
    static IntVector nearestInt(FloatVector f) {
        return f.add(MAGIC).reinterpretAsInts().and(0x007f_ffff).sub(0x0040_0000);
    }

    /**
     * C's {@code (int) roundf(f)} as x86-64 executes it: halves round away from zero, and NaN or values outside
     * the int range give the "integer indefinite" {@code 0x80000000} (see {@link #toInt32}).
     */
    static int roundToInt(float f) {
        if (!(f >= -0x1p31f && f < 0x1p31f)) {
            return Integer.MIN_VALUE;
        }
        int truncated = (int) f;
        // exact: below 2^24 both lie within one unit of each other, above it f is an integer and equals truncated
        float fraction = f - truncated;
        return truncated + (fraction >= 0.5f ? 1 : 0) - (fraction <= -0.5f ? 1 : 0);
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
