package org.bitclass.model;

import org.bitclass.model.kernel.WorkerPool;

import jdk.incubator.vector.FloatVector;

import static org.bitclass.model.kernel.FloatKernels.F;
import static org.bitclass.model.kernel.FloatKernels.LANES;

/**
 * The token mixer of a qwen35 Gated DeltaNet layer between its input projections and its output projection
 * (spec §4; llama.cpp src/models/qwen35.cpp {@code build_layer_attn_linear}, ggml-cpu ops {@code ssm_conv},
 * {@code l2_norm}, {@code gated_delta_net}), with the layer's small F32 weights. Per sequence it carries the last
 * {@code K−1} raw projections for the causal convolution and one {@code d×d} state matrix per value head
 * ({@link DeltaNetState}); a batch of tokens gives the same bits as feeding them one at a time.
 */
final class GatedDeltaNet {

    /** Columns of a state matrix updated together: four vectors, four independent multiply-add chains. */
    private static final int BLOCK = 4 * LANES;

    private final int d;
    private final int keyHeads;
    private final int valueHeads;
    private final int kernel;
    private final int convDim;
    private final float eps;
    /** Convolution taps transposed to {@code [K × conv_dim]}: tap {@code j} of every channel is contiguous. */
    private final float[] taps;
    private final float[] dtBias;
    /** {@code A = −exp(A_log)}, one per value head. */
    private final float[] a;
    /** Gated RMSNorm weight, shared by all value heads. */
    private final float[] norm;

    /** @param conv1d {@code ssm_conv1d.weight}, {@code [K, conv_dim]}: channel {@code c}'s taps at {@code c·K} */
    GatedDeltaNet(Qwen35Config c, float[] conv1d, float[] dtBias, float[] a, float[] norm) {
        this.d = c.stateSize();
        this.keyHeads = c.keyHeads();
        this.valueHeads = c.valueHeads();
        this.kernel = c.convKernel();
        this.convDim = c.convDim();
        this.eps = c.rmsEps();
        this.taps = new float[kernel * convDim];
        for (int ch = 0; ch < convDim; ch++) {
            for (int j = 0; j < kernel; j++) {
                taps[j * convDim + ch] = conv1d[ch * kernel + j];
            }
        }
        this.dtBias = dtBias;
        this.a = a;
        this.norm = norm;
    }

    /**
     * Turns the raw gate projections into the per-head decay exponent and update strength, in place:
     * {@code alpha ← A·softplus(alpha + dt_bias)} (≤ 0) and {@code beta ← σ(beta)}.
     *
     * @param alpha {@code [T × H_v]}
     * @param beta  {@code [T × H_v]}
     */
    void gates(float[] alpha, float[] beta, int nTok) {
        for (int t = 0; t < nTok; t++) {
            for (int h = 0; h < valueHeads; h++) {
                int i = t * valueHeads + h;
                alpha[i] = softplus(alpha[i] + dtBias[h]) * a[h];
                beta[i] = 1.0f / (1.0f + (float) Math.exp(-beta[i]));
            }
        }
    }

    /**
     * Causal depthwise convolution of each channel over the stored and the new raw projections, then SiLU, then
     * L2 normalisation of every q and k head; afterwards {@code convState} holds the last {@code K−1} raw rows.
     * Channels are independent, so threads take ranges of whole heads.
     *
     * @param qkv       {@code [T × conv_dim]} raw projections (q | k | v), read only
     * @param convState {@code [(K−1) × conv_dim]} oldest row first
     * @param out       {@code [T × conv_dim]} receives the convolved, activated, normalised q | k | v
     */
    void convolve(WorkerPool pool, float[] qkv, int nTok, float[] convState, float[] out) {
        int hist = kernel - 1;
        pool.forRange(convDim, d, (from, to) -> {
            int vn = from + F.loopBound(to - from);
            for (int t = 0; t < nTok; t++) {
                int o = t * convDim;
                for (int ch = from; ch < vn; ch += LANES) {
                    FloatVector acc = FloatVector.zero(F);
                    for (int j = 0; j < kernel; j++) {
                        int row = t + j;
                        FloatVector x = row < hist
                                ? FloatVector.fromArray(F, convState, row * convDim + ch)
                                : FloatVector.fromArray(F, qkv, (row - hist) * convDim + ch);
                        acc = x.fma(FloatVector.fromArray(F, taps, j * convDim + ch), acc);
                    }
                    acc.intoArray(out, o + ch);
                }
                for (int ch = vn; ch < to; ch++) {
                    float acc = 0;
                    for (int j = 0; j < kernel; j++) {
                        int row = t + j;
                        float x = row < hist ? convState[row * convDim + ch] : qkv[(row - hist) * convDim + ch];
                        acc = Math.fma(x, taps[j * convDim + ch], acc);
                    }
                    out[o + ch] = acc;
                }
                for (int ch = from; ch < to; ch++) {
                    out[o + ch] = silu(out[o + ch]);
                }
                // q and k heads come first: 2·H_k of them
                for (int head = from / d; head < Math.min(to / d, 2 * keyHeads); head++) {
                    l2Normalize(out, o + head * d, d, eps);
                }
            }
            shiftHistory(qkv, nTok, convState, hist, from, to);
        });
    }

    /** convState ← the last K−1 rows of [convState; qkv], for channels [from, to). */
    private void shiftHistory(float[] qkv, int nTok, float[] convState, int hist, int from, int to) {
        int keep = Math.max(0, hist - nTok);
        for (int r = 0; r < keep; r++) {
            System.arraycopy(convState, (r + nTok) * convDim + from, convState, r * convDim + from, to - from);
        }
        for (int r = keep; r < hist; r++) {
            System.arraycopy(qkv, (nTok - hist + r) * convDim + from, convState, r * convDim + from, to - from);
        }
    }

    /**
     * The gated delta rule, token by token for each value head {@code h} (threads take heads), with key head
     * {@code i = h mod H_k}, {@code S ← e^g·S}, {@code δ = β·(v − Sᵀk)}, {@code S ← S + k·δᵀ},
     * {@code o = Sᵀq/√d}; then {@code y = RMSNorm(o; norm) ⊙ silu(z)}.
     *
     * @param conv  {@code [T × conv_dim]} q | k | v from {@link #convolve}
     * @param g     {@code [T × H_v]} decay exponents from {@link #gates}
     * @param beta  {@code [T × H_v]} update strengths from {@link #gates}
     * @param z     {@code [T × H_v·d]} output gate projection
     * @param state {@code [H_v × d × d]}: head {@code h}'s {@code S[r][j]} (r over keys, j over values) at
     *              {@code (h·d + r)·d + j}
     * @param y     {@code [T × H_v·d]} receives the gated, normalised outputs
     */
    void recur(WorkerPool pool, float[] conv, float[] g, float[] beta, float[] z, int nTok, float[] state, float[] y) {
        int keyDim = keyHeads * d;
        int valueDim = valueHeads * d;
        float scale = 1.0f / (float) Math.sqrt(d);
        pool.forRange(valueHeads, 1, (from, to) -> {
            for (int h = from; h < to; h++) {
                int sOff = h * d * d;
                int i = h % keyHeads;
                for (int t = 0; t < nTok; t++) {
                    int row = t * convDim;
                    int yOff = t * valueDim + h * d;
                    float decay = (float) Math.exp(g[t * valueHeads + h]);
                    float b = beta[t * valueHeads + h];
                    int q = row + i * d;
                    int k = row + keyDim + i * d;
                    int v = row + 2 * keyDim + h * d;
                    if (d % BLOCK == 0) {
                        stepVectors(state, sOff, d, conv, q, k, v, decay, b, scale, y, yOff);
                    } else {
                        stepScalar(state, sOff, d, conv, q, k, v, decay, b, scale, y, yOff);
                    }
                    Norms.rmsNorm(y, yOff, norm, y, yOff, d, eps);
                    for (int j = 0; j < d; j++) {
                        y[yOff + j] *= silu(z[yOff + j]);
                    }
                }
            }
        });
    }

    /**
     * One token's update of one head's state, {@link #BLOCK} value columns at a time: the first sweep over the
     * key rows decays the state and accumulates {@code Sᵀk}; the second adds {@code k·δᵀ} and accumulates
     * {@code Sᵀq}. A block of columns (d·BLOCK floats) stays in L1 between the two sweeps.
     *
     * @param x holds q at {@code q}, k at {@code k} and v at {@code v}, each {@code d} values
     */
    static void stepVectors(float[] s, int sOff, int d, float[] x, int q, int k, int v, float decay, float beta,
                            float scale, float[] out, int outOff) {
        FloatVector eg = FloatVector.broadcast(F, decay);
        for (int j = 0; j < d; j += BLOCK) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int r = 0; r < d; r++) {
                int o = sOff + r * d + j;
                FloatVector kr = FloatVector.broadcast(F, x[k + r]);
                FloatVector s0 = FloatVector.fromArray(F, s, o).mul(eg);
                FloatVector s1 = FloatVector.fromArray(F, s, o + LANES).mul(eg);
                FloatVector s2 = FloatVector.fromArray(F, s, o + 2 * LANES).mul(eg);
                FloatVector s3 = FloatVector.fromArray(F, s, o + 3 * LANES).mul(eg);
                s0.intoArray(s, o);
                s1.intoArray(s, o + LANES);
                s2.intoArray(s, o + 2 * LANES);
                s3.intoArray(s, o + 3 * LANES);
                a0 = s0.fma(kr, a0);
                a1 = s1.fma(kr, a1);
                a2 = s2.fma(kr, a2);
                a3 = s3.fma(kr, a3);
            }
            FloatVector vb = FloatVector.broadcast(F, beta);
            FloatVector d0 = FloatVector.fromArray(F, x, v + j).sub(a0).mul(vb);
            FloatVector d1 = FloatVector.fromArray(F, x, v + j + LANES).sub(a1).mul(vb);
            FloatVector d2 = FloatVector.fromArray(F, x, v + j + 2 * LANES).sub(a2).mul(vb);
            FloatVector d3 = FloatVector.fromArray(F, x, v + j + 3 * LANES).sub(a3).mul(vb);
            a0 = FloatVector.zero(F);
            a1 = a0;
            a2 = a0;
            a3 = a0;
            for (int r = 0; r < d; r++) {
                int o = sOff + r * d + j;
                FloatVector kr = FloatVector.broadcast(F, x[k + r]);
                FloatVector qr = FloatVector.broadcast(F, x[q + r]);
                FloatVector s0 = kr.fma(d0, FloatVector.fromArray(F, s, o));
                FloatVector s1 = kr.fma(d1, FloatVector.fromArray(F, s, o + LANES));
                FloatVector s2 = kr.fma(d2, FloatVector.fromArray(F, s, o + 2 * LANES));
                FloatVector s3 = kr.fma(d3, FloatVector.fromArray(F, s, o + 3 * LANES));
                s0.intoArray(s, o);
                s1.intoArray(s, o + LANES);
                s2.intoArray(s, o + 2 * LANES);
                s3.intoArray(s, o + 3 * LANES);
                a0 = s0.fma(qr, a0);
                a1 = s1.fma(qr, a1);
                a2 = s2.fma(qr, a2);
                a3 = s3.fma(qr, a3);
            }
            FloatVector sc = FloatVector.broadcast(F, scale);
            a0.mul(sc).intoArray(out, outOff + j);
            a1.mul(sc).intoArray(out, outOff + j + LANES);
            a2.mul(sc).intoArray(out, outOff + j + 2 * LANES);
            a3.mul(sc).intoArray(out, outOff + j + 3 * LANES);
        }
    }

    /** {@link #stepVectors} for head sizes that are not a multiple of {@link #BLOCK}, same operations per value. */
    static void stepScalar(float[] s, int sOff, int d, float[] x, int q, int k, int v, float decay, float beta,
                           float scale, float[] out, int outOff) {
        for (int j = 0; j < d; j++) {
            float acc = 0;
            for (int r = 0; r < d; r++) {
                int o = sOff + r * d + j;
                s[o] *= decay;
                acc = Math.fma(s[o], x[k + r], acc);
            }
            float delta = (x[v + j] - acc) * beta;
            acc = 0;
            for (int r = 0; r < d; r++) {
                int o = sOff + r * d + j;
                s[o] = Math.fma(x[k + r], delta, s[o]);
                acc = Math.fma(s[o], x[q + r], acc);
            }
            out[outOff + j] = acc * scale;
        }
    }

    /** x / max(‖x‖₂, ε) over {@code n} values, the squares summed in double as ggml does. */
    static void l2Normalize(float[] x, int off, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[off + i];
            sum += xi * xi;
        }
        float scale = 1.0f / Math.max((float) Math.sqrt((float) sum), eps);
        for (int i = 0; i < n; i++) {
            x[off + i] *= scale;
        }
    }

    /** ggml's softplus: {@code ln(1 + e^x)}, or x itself above 20. */
    static float softplus(float x) {
        return x > 20.0f ? x : (float) Math.log(1.0f + (float) Math.exp(x));
    }

    static float silu(float x) {
        return x / (1.0f + (float) Math.exp(-x));
    }
}
