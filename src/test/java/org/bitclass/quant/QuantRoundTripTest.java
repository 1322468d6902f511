package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random rows of many shapes and value distributions: quantize then dequantize stays within an error
 * bound derived from each format (comments give the derivation), writes exactly the type's bytes, and
 * all-zero blocks come back as zeros.
 */
class QuantRoundTripTest {

    private static final double HALF_EPS = 0x1p-11;
    private static final int[] IQ4NL = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    private static final byte GUARD = (byte) 0xA5;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q8_1,
                GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.IQ4_XS};
        for (GgmlType t : types) {
            for (long seed = 1; seed <= 6; seed++) {
                out.add(Arguments.of(t, seed, false));
                out.add(Arguments.of(t, seed, true));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} seed {1} importance {2}")
    @MethodSource("cases")
    void roundTripStaysWithinTheFormatsErrorBound(GgmlType type, long seed, boolean withImportance) {
        Random rnd = new Random(seed * 31 + type.ordinal());
        int blockSize = Math.max(type.blockSize, 32);
        int n = blockSize * (1 + rnd.nextInt(blockSize == 256 ? 3 : 9));
        int rows = 1 + rnd.nextInt(4);
        QuantCodec codec = QuantRegistry.codec(type);
        long rowBytes = type.bytesFor(n);
        try (Arena arena = Arena.ofConfined()) {
            for (int r = 0; r < rows; r++) {
                float[] x = randomRow(rnd, n, (int) ((seed + r) % 5));
                float[] importance = withImportance ? randomImportance(rnd, n) : null;
                MemorySegment buf = arena.allocate(rowBytes + 16);
                buf.fill(GUARD);
                codec.quantizeRow(x, 0, n, importance, buf, 8);
                for (long g : new long[]{0, 7, rowBytes + 8, rowBytes + 15}) {
                    assertThat(buf.get(ValueLayout.JAVA_BYTE, g)).as("guard byte %d", g).isEqualTo(GUARD);
                }
                float[] y = new float[n];
                codec.dequantize(buf, 8, y, 0, n);
                checkBound(type, x, y, importance, buf.asSlice(8, rowBytes));
            }
        }
    }

    /** Values of varied scale and shape; whole blocks of zeros appear in some rows. */
    private static float[] randomRow(Random rnd, int n, int kind) {
        double scale = Math.pow(10, rnd.nextInt(5) - 2);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double v = switch (kind) {
                case 0 -> rnd.nextGaussian();
                case 1 -> rnd.nextDouble() * 2 - 1;
                case 2 -> rnd.nextGaussian() / Math.max(0.05, Math.abs(rnd.nextGaussian())); // heavy tails
                case 3 -> Math.abs(rnd.nextGaussian()) + 0.5; // one-signed, offset
                default -> i / 32 % 4 == 1 ? 0 : rnd.nextGaussian();
            };
            x[i] = (float) (v * scale);
        }
        return x;
    }

    private static float[] randomImportance(Random rnd, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) Math.exp(rnd.nextGaussian() * 2);
        }
        return w;
    }

    private static void checkBound(GgmlType type, float[] x, float[] y, float[] importance, MemorySegment q) {
        int n = x.length;
        switch (type) {
            case F32 -> assertThat(y).containsExactly(x);
            // round to nearest: half an ulp, 2^-11 relative for fp16 normals, 2^-8 for bf16
            case F16 -> forEach(n, i -> Math.abs(x[i]) * HALF_EPS + 0x1p-25, x, y);
            case BF16 -> forEach(n, i -> Math.abs(x[i]) * 0x1p-8, x, y);
            default -> checkBlocks(type, x, y, importance, q);
        }
    }

    private interface Bound {
        double at(int i);
    }

    private static void forEach(int n, Bound bound, float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            assertThat((double) Math.abs(x[i] - y[i])).as("element %d of %s", i, x[i]).isLessThanOrEqualTo(bound.at(i));
        }
    }

    private static void checkBlocks(GgmlType type, float[] x, float[] y, float[] importance, MemorySegment q) {
        int block = type == GgmlType.IQ4_XS ? 32 : type.blockSize;
        double sigma2Row = meanSquare(x, 0, x.length);
        for (int b = 0; b < x.length / block; b++) {
            int from = b * block;
            double amax = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            boolean zero = true;
            for (int j = from; j < from + block; j++) {
                amax = Math.max(amax, Math.abs(x[j]));
                min = Math.min(min, x[j]);
                max = Math.max(max, x[j]);
                zero &= x[j] == 0;
            }
            if (zero) {
                for (int j = from; j < from + block; j++) {
                    assertThat(y[j]).as("all-zero block %d", b).isZero();
                }
                continue;
            }
            String what = "%s block %d".formatted(type, b);
            switch (type) {
                // levels round(x/d), d = amax/127; fp16 scale adds up to 127 * d * 2^-11
                case Q8_0, Q8_1 -> maxError(x, y, from, block, amax / 127 * (0.5 + 127 * HALF_EPS), what);
                // d = amax/2^(bits-1); level clamped at the top can be off by a whole d; fp16 adds nmax*d*2^-11
                case Q4_0, Q5_0 -> {
                    int nmax = type == GgmlType.Q4_0 ? 8 : 16;
                    if (importance == null) {
                        maxError(x, y, from, block, amax / nmax * (1 + nmax * HALF_EPS), what);
                    } else {
                        double[] w = weights(x, from, block, importance, sigma2Row);
                        weightedError(x, y, from, w, symmetricStartError(x, from, w, nmax),
                                nmax * Math.abs(half(q, b * type.typeSize)) * HALF_EPS, what);
                    }
                }
                // d = (max-min)/nmax with min <= 0 for the weighted fit; rounding error d/2; fp16 d and m
                case Q4_1, Q5_1 -> {
                    int nmax = type == GgmlType.Q4_1 ? 15 : 31;
                    double lo = importance == null ? min : Math.min(min, 0);
                    double d = (max - lo) / nmax;
                    double fp16 = nmax * d * HALF_EPS + Math.abs(lo) * HALF_EPS;
                    if (importance == null) {
                        maxError(x, y, from, block, d / 2 + fp16, what);
                    } else {
                        double[] w = weights(x, from, block, importance, sigma2Row);
                        double sumW = 0;
                        for (double v : w) {
                            sumW += v;
                        }
                        weightedError(x, y, from, w, Math.sqrt(sumW) * d / 2, fp16, what);
                    }
                }
                case IQ4_NL, IQ4_XS -> {
                    // sigma2 of the IQ4 quants: twice the mean square over the super-block
                    int superBlock = type.blockSize;
                    double[] w = importance == null ? squares(x, from, block)
                            : weights(x, from, block, importance, 2 * meanSquare(x, from / superBlock * superBlock, superBlock));
                    double start = codebookStartError(x, from, w);
                    double extra;
                    if (type == GgmlType.IQ4_NL) {
                        // the chosen scale fits at least as well as the start; fp16 scale adds 127*d*2^-11
                        extra = 127 * Math.abs(half(q, b * type.typeSize)) * HALF_EPS;
                    } else {
                        // 6-bit multipliers of the super-block scale D move a block scale by at most D
                        double superScale = Math.abs(half(q, b / 8 * type.typeSize)) * (1 + HALF_EPS);
                        extra = 127 * superScale * (1 + 32 * HALF_EPS);
                    }
                    weightedError(x, y, from, w, start, extra, what);
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
    }

    private static void maxError(float[] x, float[] y, int from, int n, double bound, String what) {
        for (int j = from; j < from + n; j++) {
            assertThat((double) Math.abs(x[j] - y[j])).as("%s element %d (%s -> %s)", what, j, x[j], y[j])
                    .isLessThanOrEqualTo(bound * (1 + 1e-5));
        }
    }

    /**
     * A least-squares search keeps the best fit it saw, so its weighted error is at most {@code start}
     * (the first candidate's); storing the scale in fp16 then adds at most {@code perElement} to each value.
     */
    private static void weightedError(float[] x, float[] y, int from, double[] w, double start, double perElement,
                                      String what) {
        double sumW = 0;
        double err = 0;
        double signal = 0;
        for (int j = 0; j < w.length; j++) {
            double e = x[from + j] - y[from + j];
            err += w[j] * e * e;
            sumW += w[j];
            signal += w[j] * x[from + j] * x[from + j];
        }
        double bound = start + Math.sqrt(sumW) * perElement + 1e-4 * Math.sqrt(signal);
        assertThat(Math.sqrt(err)).as("%s weighted error", what).isLessThanOrEqualTo(bound);
    }

    /** Weighted error of {@code make_qx_quants}' first candidate: scale max/-nmax, levels rounded and clamped. */
    private static double symmetricStartError(float[] x, int from, double[] w, int nmax) {
        double max = 0;
        for (int j = 0; j < w.length; j++) {
            if (Math.abs(x[from + j]) > Math.abs(max)) {
                max = x[from + j];
            }
        }
        double d = max / -nmax;
        double err = 0;
        for (int j = 0; j < w.length; j++) {
            long l = Math.max(-nmax, Math.min(nmax - 1, Math.round(x[from + j] / d)));
            double e = x[from + j] - l * d;
            err += w[j] * e * e;
        }
        return Math.sqrt(err);
    }

    /** Weighted error of the IQ4 search's first candidate: scale max/127, nearest codebook entries. */
    private static double codebookStartError(float[] x, int from, double[] w) {
        double max = 0;
        for (int j = 0; j < w.length; j++) {
            if (Math.abs(x[from + j]) > Math.abs(max)) {
                max = x[from + j];
            }
        }
        double d = max / 127;
        double err = 0;
        for (int j = 0; j < w.length; j++) {
            double best = Double.MAX_VALUE;
            for (int c : IQ4NL) {
                best = Math.min(best, Math.abs(x[from + j] - c * d));
            }
            err += w[j] * best * best;
        }
        return Math.sqrt(err);
    }

    private static double[] weights(float[] x, int from, int n, float[] importance, double sigma2) {
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            w[j] = importance[from + j] * Math.sqrt(sigma2 + (double) x[from + j] * x[from + j]);
        }
        return w;
    }

    private static double[] squares(float[] x, int from, int n) {
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            w[j] = (double) x[from + j] * x[from + j];
        }
        return w;
    }

    private static double meanSquare(float[] x, int from, int n) {
        double s = 0;
        for (int j = from; j < from + n; j++) {
            s += (double) x[j] * x[j];
        }
        return s / n;
    }

    private static float half(MemorySegment q, long at) {
        return Float.float16ToFloat(q.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
    }
}
