package org.bitclass.model;

import org.bitclass.model.kernel.FloatKernels;
import org.bitclass.model.kernel.WorkerPool;

import jdk.incubator.vector.FloatVector;

import static org.bitclass.model.kernel.FloatKernels.F;
import static org.bitclass.model.kernel.FloatKernels.LANES;

/**
 * Causal grouped-query attention over the cache, as llama.cpp computes it without flash attention:
 * {@code softmax(q·kᵀ·scale)} with the sum of exponentials in double, then the probability-weighted sum of values.
 * Query head {@code h} reads kv head {@code h / (n_head / n_head_kv)}. Scores for {@link FloatKernels#LANES}
 * positions at a time come from the transposed keys, and each output vector stays in a register over all positions.
 */
final class Attention {

    private Attention() {
    }

    /** One sequence's tokens in a batch: rows {@code row0 ..} of the queries, at positions {@code startPos ..} of its cache. */
    record Span(KvCache cache, int startPos, int row0, int nTok) {
    }

    /**
     * @param q   {@code [T × n_head·head_dim]} roped queries of tokens at positions {@code startPos ..}
     * @param out {@code [T × n_head·head_dim]} receives the attention output
     */
    static void causal(WorkerPool pool, ModelConfig c, float[] q, KvCache cache, int layer, int startPos, int nTok,
                       float[] out) {
        causal(pool, c, q, new Span[]{new Span(cache, startPos, 0, nTok)}, layer, out);
    }

    /**
     * Attention of several sequences batched together, each over its own cache, in one parallel job.
     *
     * @param q   {@code [T × n_head·head_dim]} roped queries, the spans' rows
     * @param out {@code [T × n_head·head_dim]} receives the attention output
     */
    static void causal(WorkerPool pool, ModelConfig c, float[] q, Span[] spans, int layer, float[] out) {
        int hd = c.headDim();
        int group = c.nHead() / c.nHeadKv();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int[] firstTask = new int[spans.length + 1];
        int longest = 0;
        for (int s = 0; s < spans.length; s++) {
            firstTask[s + 1] = firstTask[s] + c.nHead() * spans[s].nTok();
            longest = Math.max(longest, spans[s].startPos() + spans[s].nTok());
        }
        int positions = longest;
        // head-major order within a span, so each thread's range mixes short (early) and long (late) rows
        pool.forRange(firstTask[spans.length], 1, (from, to) -> {
            float[] p = new float[positions];
            int s = 0;
            for (int task = from; task < to; task++) {
                while (task >= firstTask[s + 1]) {
                    s++;
                }
                Span span = spans[s];
                KvCache cache = span.cache();
                int local = task - firstTask[s];
                int h = local / span.nTok();
                int t = local % span.nTok();
                int n = span.startPos() + t + 1;
                int qOff = (span.row0() + t) * c.qDim() + h * hd;
                int kv = (h / group) * hd;
                scores(q, qOff, cache.keys[layer], kv * cache.capacity, cache.capacity, hd, n, p);
                softmax(p, n, scale);
                weightedSum(p, n, cache.values[layer], kv, cache.kvDim, hd, out, qOff);
            }
        });
    }

    /**
     * p[τ] = Σ_i q[qOff+i]·keys[keyOff + i·stride + τ] for τ &lt; n. Four vectors of positions at a time, so four
     * independent multiply-add chains hide the instruction latency.
     */
    private static void scores(float[] q, int qOff, float[] keys, int keyOff, int stride, int hd, int n, float[] p) {
        int tau = 0;
        for (; tau + 4 * LANES <= n; tau += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < hd; i++) {
                FloatVector qi = FloatVector.broadcast(F, q[qOff + i]);
                int k = keyOff + i * stride + tau;
                a0 = FloatVector.fromArray(F, keys, k).fma(qi, a0);
                a1 = FloatVector.fromArray(F, keys, k + LANES).fma(qi, a1);
                a2 = FloatVector.fromArray(F, keys, k + 2 * LANES).fma(qi, a2);
                a3 = FloatVector.fromArray(F, keys, k + 3 * LANES).fma(qi, a3);
            }
            a0.intoArray(p, tau);
            a1.intoArray(p, tau + LANES);
            a2.intoArray(p, tau + 2 * LANES);
            a3.intoArray(p, tau + 3 * LANES);
        }
        for (; tau + LANES <= n; tau += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < hd; i++) {
                acc = FloatVector.fromArray(F, keys, keyOff + i * stride + tau).fma(FloatVector.broadcast(F, q[qOff + i]), acc);
            }
            acc.intoArray(p, tau);
        }
        for (; tau < n; tau++) {
            float s = 0;
            for (int i = 0; i < hd; i++) {
                s = Math.fma(keys[keyOff + i * stride + tau], q[qOff + i], s);
            }
            p[tau] = s;
        }
    }

    /** p ← softmax(p·scale) over the first n entries; exponentials by {@link FloatKernels#exp}, their sum in double as ggml does. */
    private static void softmax(float[] p, int n, float scale) {
        int vn = F.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            p[i] *= scale;
            max = Math.max(max, p[i]);
        }
        FloatVector m = FloatVector.broadcast(F, max);
        for (int i = 0; i < vn; i += LANES) {
            FloatKernels.exp(FloatVector.fromArray(F, p, i).sub(m)).intoArray(p, i);
        }
        for (int i = vn; i < n; i++) {
            p[i] = (float) Math.exp(p[i] - max);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += p[i];
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            p[i] *= inv;
        }
    }

    /**
     * out[outOff+i] = Σ_τ p[τ]·values[τ·stride + off + i] for i &lt; hd, four output vectors at a time kept in
     * registers over all positions.
     */
    private static void weightedSum(float[] p, int n, float[] values, int off, int stride, int hd, float[] out, int outOff) {
        int i = 0;
        for (; i + 4 * LANES <= hd; i += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int tau = 0; tau < n; tau++) {
                FloatVector pt = FloatVector.broadcast(F, p[tau]);
                int v = tau * stride + off + i;
                a0 = FloatVector.fromArray(F, values, v).fma(pt, a0);
                a1 = FloatVector.fromArray(F, values, v + LANES).fma(pt, a1);
                a2 = FloatVector.fromArray(F, values, v + 2 * LANES).fma(pt, a2);
                a3 = FloatVector.fromArray(F, values, v + 3 * LANES).fma(pt, a3);
            }
            a0.intoArray(out, outOff + i);
            a1.intoArray(out, outOff + i + LANES);
            a2.intoArray(out, outOff + i + 2 * LANES);
            a3.intoArray(out, outOff + i + 3 * LANES);
        }
        for (; i + LANES <= hd; i += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int tau = 0; tau < n; tau++) {
                acc = FloatVector.fromArray(F, values, tau * stride + off + i).fma(FloatVector.broadcast(F, p[tau]), acc);
            }
            acc.intoArray(out, outOff + i);
        }
        for (; i < hd; i++) {
            float s = 0;
            for (int tau = 0; tau < n; tau++) {
                s = Math.fma(values[tau * stride + off + i], p[tau], s);
            }
            out[outOff + i] = s;
        }
    }
}
