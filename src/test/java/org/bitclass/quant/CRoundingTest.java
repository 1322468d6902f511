package org.bitclass.quant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CRoundingTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void nearestIntRoundsHalfToEvenLikeRint(long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            float f = i % 3 == 0 ? (rnd.nextInt(2001) - 1000) / 2f : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7)));
            if (Math.abs(f) > 4194303) {
                continue;
            }
            assertThat(CRounding.nearestInt(f)).as("%s", f).isEqualTo((int) Math.rint(f));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void roundToIntRoundsHalfAwayFromZero(long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            float f = switch (i % 4) {
                case 0 -> (rnd.nextInt(2001) - 1000) / 2f;
                case 1 -> Math.nextDown((rnd.nextInt(2001) - 1000) / 2f);
                case 2 -> Float.intBitsToFloat(rnd.nextInt());
                default -> (float) (rnd.nextGaussian() * 1000);
            };
            if (!Float.isFinite(f) || Math.abs(f) >= 0x1p31f) {
                assertThat(CRounding.roundToInt(f)).as("%s", f).isEqualTo(Integer.MIN_VALUE);
                continue;
            }
            int expected = new BigDecimal(f).setScale(0, RoundingMode.HALF_UP).intValueExact();
            assertThat(CRounding.roundToInt(f)).as("%s", f).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -3e9f, 0x1p31f})
    void outOfRangeConversionsGiveTheIntegerIndefiniteLikeX86(float f) {
        assertThat(CRounding.toInt32(f)).isEqualTo(Integer.MIN_VALUE);
        assertThat(CRounding.roundToInt(f)).isEqualTo(Integer.MIN_VALUE);
        assertThat(CRounding.toInt8(f)).isZero();
        assertThat(CRounding.toUint8(f)).isZero();
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 1.9f, -1.9f, 255.5f, -129.5f, 2147483520f, -0x1p31f})
    void inRangeConversionsTruncateAndKeepTheLowByte(float f) {
        int truncated = (int) f;
        assertThat(CRounding.toInt32(f)).isEqualTo(truncated);
        assertThat(CRounding.toInt8(f)).isEqualTo((int) (byte) truncated);
        assertThat(CRounding.toUint8(f)).isEqualTo(truncated & 0xFF);
    }
}
