package org.bitclass.alloc;

import org.bitclass.eval.EvalChunks;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Session;

/**
 * The calibration tokens the allocator measures on, with what the unperturbed model does on them: each chunk's
 * next-token log-probabilities at the scored positions (the second half of the chunk, as llama-perplexity scores)
 * and the residual stream entering every block, so that a model perturbed in block {@code l} is run from block
 * {@code l} only.
 */
final class CalibrationSet {

    private final EvalChunks chunks;
    private final int nVocab;
    /** Per chunk {@code [n_scored × n_vocab]} log-probabilities of the unperturbed model. */
    private final float[][] baseLogProbs;
    /** Per chunk and block, the residual stream {@code [T × n_embd]} entering the block. */
    private final float[][][] blockInputs;

    CalibrationSet(LanguageModel base, EvalChunks chunks) {
        this.chunks = chunks;
        this.nVocab = base.vocabSize();
        this.baseLogProbs = new float[chunks.nChunk()][];
        this.blockInputs = new float[chunks.nChunk()][][];
        for (int c = 0; c < chunks.nChunk(); c++) {
            int[] tokens = chunks.chunk(c);
            blockInputs[c] = base.blockInputs(tokens);
            float[] logits = base.logitsFrom(tokens, 0, blockInputs[c][0]);
            baseLogProbs[c] = scoredLogProbs(logits);
        }
    }

    int chunkCount() {
        return chunks.nChunk();
    }

    long scoredTokens() {
        return chunks.scoredTotal();
    }

    /**
     * The mean KL divergence of {@code model}'s next-token distributions from the unperturbed model's over the scored
     * tokens. {@code fromBlock} is the first block whose weights differ (the stream before it is reused), or -1 when
     * the token embedding differs and everything is recomputed.
     */
    double meanKld(LanguageModel model, int fromBlock) {
        double sum = 0;
        for (int c = 0; c < chunks.nChunk(); c++) {
            int[] tokens = chunks.chunk(c);
            float[] logits = fromBlock < 0
                    ? model.newSession(tokens.length).forward(tokens, 0, Session.Outputs.ALL)
                    : model.logitsFrom(tokens, fromBlock, blockInputs[c][fromBlock]);
            sum += kldSum(baseLogProbs[c], logits);
        }
        return sum / chunks.scoredTotal();
    }

    /** Log-softmax of the scored rows of {@code logits} ({@code [T × n_vocab]}). */
    private float[] scoredLogProbs(float[] logits) {
        int first = chunks.first();
        int n = chunks.scoredPerChunk();
        float[] out = new float[n * nVocab];
        for (int r = 0; r < n; r++) {
            int from = (first + r) * nVocab;
            double logSum = logSumExp(logits, from);
            for (int v = 0; v < nVocab; v++) {
                out[r * nVocab + v] = (float) (logits[from + v] - logSum);
            }
        }
        return out;
    }

    /** {@code Σ_rows Σ_v p(v)·(log p(v) − log q(v))} with p from {@code base} and q the softmax of {@code logits}. */
    private double kldSum(float[] base, float[] logits) {
        int first = chunks.first();
        double total = 0;
        for (int r = 0; r < chunks.scoredPerChunk(); r++) {
            int from = (first + r) * nVocab;
            double logSum = logSumExp(logits, from);
            double kld = 0;
            for (int v = 0; v < nVocab; v++) {
                double logP = base[r * nVocab + v];
                kld += Math.exp(logP) * (logP - (logits[from + v] - logSum));
            }
            total += Math.max(0, kld);
        }
        return total;
    }

    private double logSumExp(float[] logits, int from) {
        float max = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < nVocab; v++) {
            max = Math.max(max, logits[from + v]);
        }
        double sum = 0;
        for (int v = 0; v < nVocab; v++) {
            sum += Math.exp(logits[from + v] - max);
        }
        return max + Math.log(sum);
    }
}
