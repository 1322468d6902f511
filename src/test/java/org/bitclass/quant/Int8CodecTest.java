package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Q8_0 and Q8_1 encoding against a scalar port of quantize_row_q8_0_ref / q8_1_ref, special values included. */
class Int8CodecTest {

    @ParameterizedTest
    @CsvSource({"Q8_0, 1", "Q8_0, 2", "Q8_1, 3"})
    void rowsMatchTheScalarReference(GgmlType type, long seed) {
        Random rnd = new Random(seed);
        QuantCodec codec = QuantRegistry.codec(type);
        int n = 32 * 64;
        for (int trial = 0; trial < 300; trial++) {
            float[] x = new float[n];
            for (int b = 0; b < n / 32; b++) {
                float[] block = ScaleSearchTest.awkwardBlock(rnd, 32, trial * 64 + b);
                if (b % 17 == 5) {
                    block[rnd.nextInt(32)] = 1e-43f * (1 + rnd.nextInt(50)); // a scale whose inverse overflows
                    for (int i = 0; i < 32; i++) {
                        block[i] = block[i] == 0 || Math.abs(block[i]) > 1e-40f ? 0 : block[i];
                    }
                }
                System.arraycopy(block, 0, x, b * 32, 32);
            }
            byte[] ours = new byte[(int) type.bytesFor(n)];
            codec.quantizeRows(x, 0, 1, n, null, ours, 0);
            byte[] expected = reference(x, type == GgmlType.Q8_1);
            int blockBytes = type.typeSize;
            for (int b = 0; b < n / 32; b++) {
                assertThat(Arrays.copyOfRange(ours, b * blockBytes, (b + 1) * blockBytes))
                        .as("trial %d block %d of %s", trial, b, Arrays.toString(Arrays.copyOfRange(x, 32 * b, 32 * b + 32)))
                        .isEqualTo(Arrays.copyOfRange(expected, b * blockBytes, (b + 1) * blockBytes));
            }
        }
    }

    private static byte[] reference(float[] x, boolean withSum) {
        int blockBytes = withSum ? 36 : 34;
        int qs = withSum ? 4 : 2;
        byte[] out = new byte[x.length / 32 * blockBytes];
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                float a = Math.abs(x[32 * b + j]);
                amax = amax > a ? amax : a;
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putHalf(out, b * blockBytes, d);
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                byte q = (byte) x86Int(roundf(x[32 * b + j] * id));
                out[b * blockBytes + qs + j] = q;
                sum += q;
            }
            if (withSum) {
                putHalf(out, b * blockBytes + 2, sum * d);
            }
        }
        return out;
    }

    /** C's roundf, through double, where adding a half is exact. */
    private static double roundf(float f) {
        return Float.isFinite(f) ? Math.copySign(Math.floor(Math.abs((double) f) + 0.5), f) : f;
    }

    /** cvttss2si: truncation, 0x80000000 for NaN and out-of-range values. */
    private static int x86Int(double v) {
        return v > -2147483649.0 && v < 2147483648.0 ? (int) v : Integer.MIN_VALUE;
    }

    private static void putHalf(byte[] out, int at, float v) {
        short h = Float.isNaN(v) ? (short) (((Float.floatToRawIntBits(v) >>> 16) & 0x8000) | 0x7E00)
                : Float.floatToFloat16(v);
        out[at] = (byte) h;
        out[at + 1] = (byte) (h >> 8);
    }
}
