package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding llama.cpp's quantized probe tensors with our codecs gives exactly what a slow, independent
 * decoder written from the block layouts in ggml-common.h gives.
 */
class ReferenceDecoderTest {

    private static final int[] IQ4NL = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL", "IQ4_XS", "F16", "BF16",
            "Q4_0-imat", "Q4_1-imat", "Q5_0-imat", "Q5_1-imat", "IQ4_NL-imat", "IQ4_XS-imat"})
    void goldenTensorsDecodeLikeTheReference(String variant) throws IOException {
        try (GgufFile golden = GgufFile.open(SharedData.path("golden/quant/probe-" + variant + ".gguf"))) {
            int checked = 0;
            for (TensorInfo t : golden.tensors()) {
                if (t.type() == GgmlType.F32) {
                    continue;
                }
                byte[] bytes = golden.data(t).toArray(ValueLayout.JAVA_BYTE);
                int n = (int) t.nElements();
                float[] ours = new float[n];
                QuantRegistry.codec(t.type()).dequantize(golden.data(t), 0, ours, 0, n);
                float[] reference = decode(t.type(), bytes, n);
                for (int i = 0; i < n; i++) {
                    if (Float.floatToIntBits(ours[i]) != Float.floatToIntBits(reference[i])) {
                        throw new AssertionError(t.name() + " element " + i + ": ours " + ours[i]
                                + ", reference " + reference[i]);
                    }
                }
                checked++;
            }
            assertThat(checked).isGreaterThanOrEqualTo(15);
        }
    }

    static float[] decode(GgmlType type, byte[] b, int n) {
        float[] y = new float[n];
        switch (type) {
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    y[i] = half(b, 2 * i);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    y[i] = Float.intBitsToFloat(u16(b, 2 * i) << 16);
                }
            }
            case Q8_0 -> {
                for (int i = 0; i < n; i++) {
                    int blk = i / 32 * 34;
                    y[i] = b[blk + 2 + i % 32] * half(b, blk);
                }
            }
            case Q4_0, Q5_0, Q4_1, Q5_1 -> {
                boolean five = type == GgmlType.Q5_0 || type == GgmlType.Q5_1;
                boolean withMin = type == GgmlType.Q4_1 || type == GgmlType.Q5_1;
                int headerBytes = (withMin ? 4 : 2) + (five ? 4 : 0);
                int size = headerBytes + 16;
                for (int i = 0; i < n; i++) {
                    int blk = i / 32 * size;
                    int j = i % 32;
                    int qsByte = b[blk + headerBytes + j % 16] & 0xff;
                    int q = j < 16 ? qsByte & 15 : qsByte >> 4;
                    if (five) {
                        int qh = u16(b, blk + (withMin ? 4 : 2)) | u16(b, blk + (withMin ? 6 : 4)) << 16;
                        q += ((qh >> j) & 1) * 16;
                    }
                    float d = half(b, blk);
                    y[i] = withMin ? q * d + half(b, blk + 2) : (q - (five ? 16 : 8)) * d;
                }
            }
            case IQ4_NL -> {
                for (int i = 0; i < n; i++) {
                    int blk = i / 32 * 18;
                    int j = i % 32;
                    int qsByte = b[blk + 2 + j % 16] & 0xff;
                    y[i] = half(b, blk) * IQ4NL[j < 16 ? qsByte & 15 : qsByte >> 4];
                }
            }
            case IQ4_XS -> {
                for (int i = 0; i < n; i++) {
                    int blk = i / 256 * 136;
                    int sub = i % 256 / 32;
                    int j = i % 32;
                    int low = (b[blk + 4 + sub / 2] & 0xff) >> (sub % 2 == 0 ? 0 : 4) & 15;
                    int high = u16(b, blk + 2) >> (2 * sub) & 3;
                    float dl = half(b, blk) * ((low + 16 * high) - 32);
                    int qsByte = b[blk + 8 + sub * 16 + j % 16] & 0xff;
                    y[i] = dl * IQ4NL[j < 16 ? qsByte & 15 : qsByte >> 4];
                }
            }
            default -> throw new IllegalArgumentException("no reference decoder for " + type);
        }
        return y;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    /** Every binary16 value, computed long-hand from its fields. */
    private static final float[] HALF_VALUES = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_VALUES.length; h++) {
            HALF_VALUES[h] = halfFromFields(h);
        }
    }

    static float half(byte[] b, int at) {
        return HALF_VALUES[u16(b, at)];
    }

    private static float halfFromFields(int h) {
        int sign = h >> 15;
        int exp = h >> 10 & 31;
        int mant = h & 1023;
        double magnitude;
        if (exp == 0) {
            magnitude = mant * Math.pow(2, -24);
        } else if (exp == 31) {
            magnitude = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            magnitude = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        }
        return (float) (sign == 1 ? -magnitude : magnitude);
    }

    @Test
    void mxfp4BlockDecodesToE2m1ValuesTimesThePowerOfTwoScale() {
        float[] e2m1 = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6, -0f, -0.5f, -1, -1.5f, -2, -3, -4, -6};
        for (int e : new int[]{0, 1, 2, 100, 127, 130, 254}) {
            byte[] block = new byte[17];
            block[0] = (byte) e;
            for (int j = 0; j < 16; j++) {
                block[1 + j] = (byte) (j | (15 - j) << 4);
            }
            float[] out = new float[32];
            QuantRegistry.codec(GgmlType.MXFP4).dequantize(MemorySegment.ofArray(block), 0, out, 0, 32);
            double scale = Math.pow(2, e - 127);
            for (int j = 0; j < 16; j++) {
                assertThat(out[j]).as("e=%d j=%d", e, j).isEqualTo((float) (e2m1[j] * scale) + 0f);
                assertThat(out[j + 16]).as("e=%d j=%d", e, j + 16).isEqualTo((float) (e2m1[15 - j] * scale) + 0f);
            }
        }
    }

    @Test
    void ternaryBlocksDecodeToMinusOneZeroOneTimesTheScale() {
        java.util.Random rnd = new java.util.Random(7);
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            t[i] = rnd.nextInt(3) - 1;
        }
        float d = 0.375f;
        short dh = Float.floatToFloat16(d);

        byte[] tq2 = new byte[66];
        // element 128*h + 32*k + m sits in bits 2k of byte 32*h + m
        for (int i = 0; i < 256; i++) {
            int h = i / 128;
            int k = i % 128 / 32;
            int m = i % 32;
            tq2[32 * h + m] |= (byte) ((t[i] + 1) << (2 * k));
        }
        tq2[64] = (byte) dh;
        tq2[65] = (byte) (dh >> 8);

        byte[] tq1 = new byte[54];
        // groups of 5 (or 4) trits, most significant first, stored as ceil(value * 256 / 243)
        packTrits(t, 0, 32, 5, tq1, 0);
        packTrits(t, 160, 16, 5, tq1, 32);
        packTrits(t, 240, 4, 4, tq1, 48);
        tq1[52] = (byte) dh;
        tq1[53] = (byte) (dh >> 8);

        for (var c : new Object[][]{{GgmlType.TQ2_0, tq2}, {GgmlType.TQ1_0, tq1}}) {
            float[] out = new float[256];
            QuantRegistry.codec((GgmlType) c[0]).dequantize(MemorySegment.ofArray((byte[]) c[1]), 0, out, 0, 256);
            for (int i = 0; i < 256; i++) {
                assertThat(out[i]).as("%s element %d", c[0], i).isEqualTo(t[i] * d);
            }
            assertThat(QuantRegistry.codec((GgmlType) c[0]).canQuantize()).isFalse();
        }
    }

    /** Element {@code first + k*width + m} is trit k of byte {@code at + m}. */
    private static void packTrits(int[] t, int first, int width, int digits, byte[] out, int at) {
        for (int m = 0; m < width; m++) {
            int v = 0;
            for (int k = 0; k < digits; k++) {
                v = v * 3 + t[first + k * width + m] + 1;
            }
            for (int k = digits; k < 5; k++) {
                v *= 3;
            }
            out[at + m] = (byte) ((v * 256 + 242) / 243);
        }
    }
}
