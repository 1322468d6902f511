package org.bitclass.quant;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Fp16#fromFloat} rounds like ggml's fp32→fp16 conversion on every class of input. */
class Fp16Test {

    /**
     * The specification of ggml's {@code GGML_FP32_TO_FP16}, from first principles: round |f| to a multiple of the half
     * ulp of its binade (2⁻²⁴ in the subnormal range) with ties to even, overflow to infinity, every NaN to the
     * quiet NaN 0x7E00; the sign is copied. Exact in double arithmetic.
     */
    private static short referenceFp16(float f) {
        int sign = (Float.floatToRawIntBits(f) >>> 16) & 0x8000;
        if (Float.isNaN(f)) {
            return (short) (sign | 0x7E00);
        }
        if (Float.isInfinite(f)) {
            return (short) (sign | 0x7C00);
        }
        double a = Math.abs((double) f);
        if (a == 0) {
            return (short) sign;
        }
        int exponent = Math.max(Math.getExponent(a), -14);
        double q = Math.rint(a / Math.scalb(1.0, exponent - 10));
        long bits = ((long) (exponent + 14) << 10) + (long) q;
        return (short) (sign | (int) Math.min(bits, 0x7C00));
    }

    private static void assertSame(int floatBits) {
        float f = Float.intBitsToFloat(floatBits);
        short expected = referenceFp16(f);
        short actual = Fp16.fromFloat(f);
        if (expected != actual) {
            assertThat(Integer.toHexString(actual & 0xFFFF)).as("fp16 of float bits 0x%08x", floatBits)
                    .isEqualTo(Integer.toHexString(expected & 0xFFFF));
        }
    }

    @Test
    void roundsTiesAndNeighboursOfEveryHalfLikeGgml() {
        // every half value, the exact midpoint to the next one and one float ulp either side: all rounding decisions,
        // normal and subnormal, both signs
        for (int h = 0; h < 0x7C00; h++) {
            float lo = Float.float16ToFloat((short) h);
            float hi = Float.float16ToFloat((short) (h + 1));
            float mid = (float) (((double) lo + hi) / 2);
            for (float f : new float[] {lo, mid, Math.nextDown(mid), Math.nextUp(mid)}) {
                assertSame(Float.floatToRawIntBits(f));
                assertSame(Float.floatToRawIntBits(-f));
            }
        }
    }

    @Test
    void agreesOnASweepOfAllFloatBitPatterns() {
        SplittableRandom random = new SplittableRandom(7);
        for (long hi = 0; hi < (1L << 24); hi++) {
            assertSame((int) (hi << 8 | random.nextInt(256)));
        }
    }

    @Test
    void handlesSpecialValuesLikeGgml() {
        for (float f : new float[] {0f, -0f, Float.MIN_VALUE, 65504f, 65519.99f, 65520f, 1e10f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -Float.NaN,
                Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFC12345)}) {
            assertSame(Float.floatToRawIntBits(f));
        }
        assertThat(Fp16.fromFloat(Float.NaN)).isEqualTo((short) 0x7E00);
        assertThat(Fp16.fromFloat(65520f)).isEqualTo((short) 0x7C00);
    }
}
