package org.bitclass.model;

import java.util.Arrays;

/**
 * Causal grouped-query attention over the cache, as llama.cpp computes it without flash attention:
 * {@code softmax(q·kᵀ·scale)} with the sum of exponentials in double, then the probability-weighted sum of values.
 * Query head {@code h} reads kv head {@code h / (n_head / n_head_kv)}.
 */
final class Attention {

    private Attention() {
    }

    /**
     * @param q    {@code [T × n_head·head_dim]} roped queries of tokens at positions {@code startPos ..}
     * @param keys {@code [capacity × n_head_kv·head_dim]} cache, filled up to {@code startPos + T}
     * @param out  {@code [T × n_head·head_dim]} receives the attention output
     */
    static void causal(WorkerPool pool, ModelConfig c, float[] q, float[] keys, float[] values, int startPos, int nTok,
                       float[] out) {
        int hd = c.headDim();
        int group = c.nHead() / c.nHeadKv();
        float scale = (float) (1.0 / Math.sqrt(hd));
        // head-major order, so each thread's range mixes short (early) and long (late) rows
        pool.forRange(c.nHead() * nTok, 1, (from, to) -> {
            float[] scores = new float[startPos + nTok];
            for (int task = from; task < to; task++) {
                int h = task / nTok;
                int t = task % nTok;
                int n = startPos + t + 1;
                int qOff = t * c.qDim() + h * hd;
                int kvOff = (h / group) * hd;
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < n; p++) {
                    float s = FloatKernels.dot(q, qOff, keys, p * c.kvDim() + kvOff, hd) * scale;
                    scores[p] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int p = 0; p < n; p++) {
                    float e = (float) Math.exp(scores[p] - max);
                    scores[p] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                Arrays.fill(out, qOff, qOff + hd, 0f);
                for (int p = 0; p < n; p++) {
                    FloatKernels.axpy(scores[p] * inv, values, p * c.kvDim() + kvOff, out, qOff, hd);
                }
            }
        });
    }
}
