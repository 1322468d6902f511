package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Dot products over float arrays. Every kernel accumulates one (row, token) pair the same way: one vector
 * accumulator fed by fused multiply-adds in column order, a lane reduction, then a scalar fused tail. So a result
 * does not depend on which kernel, tile or batch computed it, and a batch gives the same bits as token by token.
 */
public final class FloatKernels {

    /**
     * 256 bits on every CPU, not the preferred width: the lane count sets the summation order, and the same model
     * and text must give the same bits (imatrix, KLD base, chosen types) on AVX2 and AVX-512 machines alike.
     */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    public static final int LANES = F.length();

    private FloatKernels() {
    }

    /** Σ a[aOff+i]·b[bOff+i] for i &lt; n. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int vn = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < vn; i += LANES) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        return tail(acc, a, aOff, b, bOff, vn, n);
    }

    /** Shuffles pairing lane i with lane i xor s, for s = LANES/2, LANES/4, ..., 1. */
    private static final List<VectorShuffle<Float>> HALVINGS = IntStream.iterate(LANES / 2, s -> s >= 1, s -> s / 2)
            .mapToObj(s -> VectorShuffle.fromOp(F, i -> i ^ s)).toList();

    /**
     * The lanes' sum by a fixed pairwise tree. Not {@code reduceLanes(ADD)}: its order is unspecified and differs
     * between interpreted and compiled code, which would make results depend on JIT warm-up.
     */
    public static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> s : HALVINGS) {
            v = v.add(v.rearrange(s));
        }
        return v.lane(0);
    }

    /** Finishes a dot product: sums the accumulator's lanes, then adds the columns the vectors did not cover. */
    static float tail(FloatVector acc, float[] a, int aOff, float[] b, int bOff, int from, int n) {
        float sum = sumLanes(acc);
        for (int i = from; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    /**
     * out[t·outStride + outOff + r] = Σ_i w[r·cols + i]·x[t·cols + i] for r &lt; nRows, t &lt; nTokens. Two tokens
     * at a time against every four rows: each weight vector is loaded once for two tokens, each activation vector
     * once for four rows, and the two tokens' activations stay in L1 while they pass over all the rows.
     */
    static void rowsTimesTokens(float[] w, int nRows, int cols, float[] x, int nTokens,
                                float[] out, int outStride, int outOff) {
        int quads = nRows / 4 * 4;
        for (int t = 0; t < nTokens; t += 2) {
            int nt = Math.min(2, nTokens - t);
            for (int r = 0; r < nRows; r += 4) {
                if (nt == 2 && r < quads) {
                    fourByTwo(w, r, cols, x, t, out, outStride, outOff);
                    continue;
                }
                for (int k = t; k < t + nt; k++) {
                    for (int q = r; q < Math.min(r + 4, nRows); q++) {
                        out[k * outStride + outOff + q] = dot(w, q * cols, x, k * cols, cols);
                    }
                }
            }
        }
    }

    /** Rows r..r+3 of w times tokens t and t+1. */
    private static void fourByTwo(float[] w, int r, int cols, float[] x, int t, float[] out, int outStride,
                                  int outOff) {
        int vn = F.loopBound(cols);
        int x0 = t * cols;
        int x1 = x0 + cols;
        int w0Off = r * cols;
        int w1Off = w0Off + cols;
        int w2Off = w1Off + cols;
        int w3Off = w2Off + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        for (int i = 0; i < vn; i += LANES) {
            FloatVector v0 = FloatVector.fromArray(F, x, x0 + i);
            FloatVector v1 = FloatVector.fromArray(F, x, x1 + i);
            FloatVector w0 = FloatVector.fromArray(F, w, w0Off + i);
            a00 = w0.fma(v0, a00);
            a01 = w0.fma(v1, a01);
            FloatVector w1 = FloatVector.fromArray(F, w, w1Off + i);
            a10 = w1.fma(v0, a10);
            a11 = w1.fma(v1, a11);
            FloatVector w2 = FloatVector.fromArray(F, w, w2Off + i);
            a20 = w2.fma(v0, a20);
            a21 = w2.fma(v1, a21);
            FloatVector w3 = FloatVector.fromArray(F, w, w3Off + i);
            a30 = w3.fma(v0, a30);
            a31 = w3.fma(v1, a31);
        }
        int o0 = t * outStride + outOff + r;
        int o1 = o0 + outStride;
        out[o0] = tail(a00, w, w0Off, x, x0, vn, cols);
        out[o1] = tail(a01, w, w0Off, x, x1, vn, cols);
        out[o0 + 1] = tail(a10, w, w1Off, x, x0, vn, cols);
        out[o1 + 1] = tail(a11, w, w1Off, x, x1, vn, cols);
        out[o0 + 2] = tail(a20, w, w2Off, x, x0, vn, cols);
        out[o1 + 2] = tail(a21, w, w2Off, x, x1, vn, cols);
        out[o0 + 3] = tail(a30, w, w3Off, x, x0, vn, cols);
        out[o1 + 3] = tail(a31, w, w3Off, x, x1, vn, cols);
    }

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** Adding and subtracting 1.5·2^23 rounds a float to the nearest integer, ties to even. */
    private static final float ROUNDER = 12582912f;

    /**
     * e^x lane by lane, within about two ulps: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its degree-6 Taylor
     * polynomial, 2^n from exponent bits. Built from basic operations only, so interpreted and compiled code give
     * the same bits (the library's vector EXP does not promise that). Inputs are clamped to [−87.5, 88.7].
     */
    public static FloatVector exp(FloatVector x) {
        x = x.max(-87.5f).min(88.7f);
        FloatVector n = x.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(F, 1f / 720), FloatVector.broadcast(F, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(F, 0.5f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        return p.mul(powerOfTwo(k1)).mul(powerOfTwo(k.sub(k1)));
    }

    /** 2^k for |k| ≤ 64, from exponent bits (two factors keep e^x's 2^n finite and normal near the limits). */
    private static FloatVector powerOfTwo(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** y[yOff+i] += a·x[xOff+i] for i &lt; n. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int vn = F.loopBound(n);
        FloatVector av = FloatVector.broadcast(F, a);
        for (int i = 0; i < vn; i += LANES) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (int i = vn; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }
}
