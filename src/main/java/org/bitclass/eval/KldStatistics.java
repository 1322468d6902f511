package org.bitclass.eval;

/**
 * Everything llama-perplexity reports when comparing a model with a base file: perplexities of both, their
 * ratio and difference, KL divergence and probability difference of the scored token, each with its error as
 * llama.cpp derives it from running sums. The percentiles come from {@link Distribution}s of the per-token values.
 */
public final class KldStatistics {

    private final long count;
    private final Estimate logPpl;
    private final Estimate logPplBase;
    private final double logPplCovariance;
    private final Estimate kld;
    private final Estimate pDiff;
    private final Estimate pDiffMeanSquare;
    private final long sameTop;

    KldStatistics(KldAccumulator a) {
        count = a.count();
        logPpl = Estimate.mean(a.sumNll, a.sumNll2, count);
        logPplBase = Estimate.mean(a.sumNllBase, a.sumNllBase2, count);
        logPplCovariance = Estimate.covariance(a.sumNll, a.sumNllBase, a.sumNllNllBase, count);
        kld = Estimate.mean(a.sumKld, a.sumKld2, count);
        pDiff = Estimate.mean(a.sumPDiff, a.sumPDiff2, count);
        pDiffMeanSquare = Estimate.mean(a.sumPDiff2, a.sumPDiff4, count);
        sameTop = a.sameTop;
    }

    public long count() {
        return count;
    }

    public Estimate ppl() {
        return logPpl.exp();
    }

    public Estimate pplBase() {
        return logPplBase.exp();
    }

    /** Correlation of the per-token ln-likelihoods of the two models. */
    public double lnPplCorrelation() {
        return logPplCovariance / (logPpl.error() * logPplBase.error());
    }

    public Estimate lnPplRatio() {
        return new Estimate(logPpl.value() - logPplBase.value(), Math.sqrt(logPpl.error() * logPpl.error()
                + logPplBase.error() * logPplBase.error() - 2 * logPplCovariance));
    }

    public Estimate pplRatio() {
        return lnPplRatio().exp();
    }

    public Estimate pplDifference() {
        Estimate q = ppl();
        Estimate base = pplBase();
        double covariance = q.value() * base.value() * logPplCovariance;
        return new Estimate(q.value() - base.value(),
                Math.sqrt(q.error() * q.error() + base.error() * base.error() - 2 * covariance));
    }

    public Estimate kld() {
        return kld;
    }

    /** Mean of p(token) − p_base(token), as a fraction (llama.cpp prints percent). */
    public Estimate pDiff() {
        return pDiff;
    }

    public Estimate pDiffRms() {
        double rms = Math.sqrt(pDiffMeanSquare.value());
        return new Estimate(rms, 0.5 / rms * pDiffMeanSquare.error());
    }

    /** Fraction of tokens where both models rank the same token first. */
    public Estimate sameTop() {
        double p = (double) sameTop / count;
        return new Estimate(p, Math.sqrt(p * (1 - p) / (count - 1)));
    }
}
