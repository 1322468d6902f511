package org.bitclass.eval;

/**
 * Compares the model's logits with the base model's stored log-probabilities token by token, keeping the sums
 * llama-perplexity keeps (double sums of float terms, exactly where it has them) and each token's KL divergence
 * and probability difference, which the percentiles need.
 */
public final class KldAccumulator {

    private static final float KEPT_LOG_PROB = -16f;

    double sumNll;
    double sumNll2;
    double sumNllBase;
    double sumNllBase2;
    double sumNllNllBase;
    double sumKld;
    double sumKld2;
    double sumPDiff;
    double sumPDiff2;
    double sumPDiff4;
    float maxPDiff;
    long sameTop;
    private final FloatList kldValues;
    private final FloatList pDiffValues;

    /** @param expectedTokens how many tokens will be added (sizes the per-token lists; more still fit) */
    public KldAccumulator(int expectedTokens) {
        kldValues = new FloatList(expectedTokens);
        pDiffValues = new FloatList(expectedTokens);
    }

    /** Adds one predicted token: the model's logits row and the base model's log-probabilities for it. */
    public void add(float[] logits, int rowOffset, QuantizedLogProbs base, int token) {
        int n = base.vocabSize();
        float max = logits[rowOffset];
        int top = 0;
        for (int i = 1; i < n; i++) {
            if (logits[rowOffset + i] > max) {
                max = logits[rowOffset + i];
                top = i;
            }
        }
        float logSumExp = (float) Math.log(LogSoftmax.sumExp(logits, rowOffset, n, max));

        float nll = max + logSumExp - logits[rowOffset + token];
        sumNll += nll;
        sumNll2 += nll * nll;
        float nllBase = -base.logProb(token);
        sumNllBase += nllBase;
        sumNllBase2 += nllBase * nllBase;
        sumNllNllBase += nll * nllBase;

        float logNorm = max + logSumExp;
        double kld = 0;
        int topBase = -1;
        float topBaseLogProb = 0;
        for (int i = 0; i < n; i++) {
            float logProbBase = base.logProb(i);
            if (i == 0 || logProbBase > topBaseLogProb) {
                topBaseLogProb = logProbBase;
                topBase = i;
            }
            // tokens at the clipped floor of the base file carry no information and are left out
            if (logProbBase > KEPT_LOG_PROB) {
                kld += LogSoftmax.expf(logProbBase) * (logProbBase - logits[rowOffset + i] + logNorm);
            }
        }
        sumKld += kld;
        sumKld2 += kld * kld;
        if (top == topBase) {
            sameTop++;
        }

        float pDiff = LogSoftmax.expf(-nll) - LogSoftmax.expf(-nllBase);
        sumPDiff += pDiff;
        double pDiff2 = pDiff * pDiff;
        sumPDiff2 += pDiff2;
        sumPDiff4 += pDiff2 * pDiff2;
        maxPDiff = Math.max(maxPDiff, Math.abs(pDiff));

        kldValues.add((float) kld);
        pDiffValues.add(pDiff);
    }

    public long count() {
        return kldValues.size();
    }

    /** The statistics of everything added so far. */
    public KldStatistics statistics() {
        return new KldStatistics(this);
    }

    /** The per-token KL divergences so far. */
    public Distribution kldDistribution() {
        return new Distribution(kldValues.toArray());
    }

    /** The per-token p(token) − p_base(token) so far. */
    public Distribution pDiffDistribution() {
        return new Distribution(pDiffValues.toArray());
    }
}
