package org.bitclass.quant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** fp16 and bf16 conversion against slow references that search the nearest representable value. */
class HalfPrecisionTest {

    /** Magnitudes of the finite non-negative binary16 values, in increasing order (bits 0x0000..0x7BFF). */
    private static final double[] HALF_MAGNITUDES = new double[0x7C00];

    static {
        for (int h = 0; h < HALF_MAGNITUDES.length; h++) {
            int exp = h >> 10;
            int mant = h & 1023;
            HALF_MAGNITUDES[h] = exp == 0 ? mant * 0x1p-24 : (1024 + mant) * Math.pow(2, exp - 25);
        }
    }

    /** Nearest binary16, ties to the even pattern, overflowing to infinity past 65504 + half an ulp. */
    private static short referenceFp16(float f) {
        int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
        if (Float.isNaN(f)) {
            return (short) (sign | 0x7E00);
        }
        double a = Math.abs((double) f);
        if (a >= 65520) {
            return (short) (sign | 0x7C00);
        }
        int lo = 0;
        int hi = HALF_MAGNITUDES.length - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (HALF_MAGNITUDES[mid] <= a) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double dLo = a - HALF_MAGNITUDES[lo];
        double dHi = HALF_MAGNITUDES[hi] - a;
        int pick = dLo < dHi ? lo : dHi < dLo ? hi : (lo % 2 == 0 ? lo : hi);
        if (a >= HALF_MAGNITUDES[hi]) {
            pick = hi;
        }
        return (short) (sign | pick);
    }

    private static short referenceBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int down = bits & 0xFFFF0000;
        int up = down + 0x10000;
        if (Float.isInfinite(f)) {
            return (short) (down >>> 16);
        }
        // past the largest finite bf16 the next step up is 2^128, which IEEE rounding treats as infinity
        double upValue = Float.isInfinite(Float.intBitsToFloat(up)) ? Math.copySign(0x1p128, f) : Float.intBitsToFloat(up);
        double dDown = Math.abs((double) f - Float.intBitsToFloat(down));
        double dUp = Math.abs(upValue - (double) f);
        boolean roundUp = dUp < dDown || dUp == dDown && (down & 0x10000) != 0;
        return (short) ((roundUp ? up : down) >>> 16);
    }

    @Test
    void everyHalfRoundTripsExactly() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Fp16.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat(h & 0x7C00).isEqualTo(0x7C00);
                continue;
            }
            assertThat(Fp16.fromFloat(f)).as("0x%04x", h).isEqualTo((short) h);
        }
    }

    @Test
    void tiesAndNeighboursOfEveryHalfRoundToNearestEven() {
        for (int h = 0; h < 0x7BFF; h++) {
            float lo = Fp16.toFloat((short) h);
            float hi = Fp16.toFloat((short) (h + 1));
            float mid = (float) (((double) lo + hi) / 2);
            for (float f : new float[]{mid, Math.nextDown(mid), Math.nextUp(mid), -mid, -Math.nextUp(mid)}) {
                assertThat(Fp16.fromFloat(f)).as("%s (%08x)", f, Float.floatToRawIntBits(f))
                        .isEqualTo(referenceFp16(f));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomFloatsConvertLikeTheReference(long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            assertThat(Fp16.fromFloat(f)).as("fp16 of %08x", Float.floatToRawIntBits(f)).isEqualTo(referenceFp16(f));
            assertThat(Bf16.fromFloat(f)).as("bf16 of %08x", Float.floatToRawIntBits(f)).isEqualTo(referenceBf16(f));
        }
    }

    @Test
    void specialValues() {
        assertThat(Fp16.fromFloat(65519.996f)).isEqualTo((short) 0x7BFF);
        assertThat(Fp16.fromFloat(65520f)).isEqualTo((short) 0x7C00);
        assertThat(Fp16.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(Fp16.fromFloat(0x1p-25f)).isEqualTo((short) 0);
        assertThat(Fp16.fromFloat(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
        assertThat(Fp16.fromFloat(Float.intBitsToFloat(0xFFC12345))).isEqualTo((short) 0xFE00);
        assertThat(Fp16.fromFloat(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7E00);
        assertThat(Float.floatToRawIntBits(Fp16.toFloat((short) 0x7C01))).isEqualTo(0x7FC02000);

        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7FC0);
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(Bf16.fromFloat(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(Bf16.fromFloat(Float.MIN_VALUE)).isEqualTo((short) 0);
        assertThat(Bf16.toFloat((short) 0xC0A0)).isEqualTo(-5f);
    }
}
