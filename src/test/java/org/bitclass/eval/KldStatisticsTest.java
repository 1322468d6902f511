package org.bitclass.eval;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The KL-divergence statistics against direct double-precision computations on the same tokens: a base model
 * (random logits), its quantized log-probabilities, and a perturbed model compared with them.
 */
class KldStatisticsTest {

    private static final int VOCAB = 3001;
    private static final int TOKENS = 400;

    /** Per-token truth computed straight from the definitions, in double. */
    private static final class Direct {
        final double[] kld = new double[TOKENS];
        final double[] nll = new double[TOKENS];
        final double[] nllBase = new double[TOKENS];
        final double[] pDiff = new double[TOKENS];
        int sameTop;
    }

    private record Run(KldAccumulator acc, Direct direct) {
    }

    private static Run run(long seed, double noise) {
        Random rnd = new Random(seed);
        KldAccumulator acc = new KldAccumulator(TOKENS);
        Direct d = new Direct();
        QuantizedLogProbs base = new QuantizedLogProbs(VOCAB);
        for (int t = 0; t < TOKENS; t++) {
            float[] baseLogits = RandomLogits.row(rnd, VOCAB, 1 + 3 * rnd.nextDouble());
            float[] logits = RandomLogits.perturbed(rnd, baseLogits, noise);
            int token = likelyToken(rnd, baseLogits);
            base.encode(baseLogits, 0, token);
            acc.add(logits, 0, base, token);

            double[] logQ = RandomLogits.logSoftmax(logits);
            int topQ = 0;
            int topBase = 0;
            for (int i = 0; i < VOCAB; i++) {
                double logP = base.logProb(i);
                if (logP > -16) {
                    d.kld[t] += Math.exp(logP) * (logP - logQ[i]);
                }
                topQ = logits[i] > logits[topQ] ? i : topQ;
                topBase = base.logProb(i) > base.logProb(topBase) ? i : topBase;
            }
            d.sameTop += topQ == topBase ? 1 : 0;
            d.nll[t] = -logQ[token];
            d.nllBase[t] = -base.logProb(token);
            d.pDiff[t] = Math.exp(logQ[token]) - Math.exp(base.logProb(token));
        }
        return new Run(acc, d);
    }

    /** The best of a few random candidates: a token a model would plausibly see next, mostly inside the 16-nat window. */
    private static int likelyToken(Random rnd, float[] logits) {
        int best = rnd.nextInt(logits.length);
        for (int k = 0; k < 30; k++) {
            int c = rnd.nextInt(logits.length);
            best = logits[c] > logits[best] ? c : best;
        }
        return best;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).sum() / v.length;
    }

    /** Standard error of the mean with the population variance, as llama.cpp defines it. */
    private static double standardError(double[] v) {
        double m = mean(v);
        double var = Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length;
        return Math.sqrt(var / (v.length - 1));
    }

    private static double pearson(double[] a, double[] b) {
        double ma = mean(a);
        double mb = mean(b);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static double percentile(double[] values, double fraction) {
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = fraction * (s.length - 1);
        int i = (int) Math.floor(pos);
        return s[i] + (pos - i) * (s[Math.min(i + 1, s.length - 1)] - s[i]);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void meansErrorsAndCorrelationMatchTheDefinitions(long seed) {
        Run r = run(seed, 0.3);
        Direct d = r.direct();
        KldStatistics s = r.acc().statistics();

        assertThat(s.count()).isEqualTo(TOKENS);
        assertThat(s.ppl().value()).isCloseTo(Math.exp(mean(d.nll)), within(1e-6 * Math.exp(mean(d.nll))));
        assertThat(s.ppl().error()).isCloseTo(Math.exp(mean(d.nll)) * standardError(d.nll),
                within(1e-5 * s.ppl().error()));
        assertThat(s.pplBase().value()).isCloseTo(Math.exp(mean(d.nllBase)), within(1e-4 * Math.exp(mean(d.nllBase))));
        assertThat(s.lnPplCorrelation()).isCloseTo(pearson(d.nll, d.nllBase), within(1e-6));
        double[] lnRatio = new double[TOKENS];
        Arrays.setAll(lnRatio, i -> d.nll[i] - d.nllBase[i]);
        assertThat(s.lnPplRatio().value()).isCloseTo(mean(lnRatio), within(1e-6));
        // the error of a difference of correlated means is the standard error of the per-token differences
        assertThat(s.lnPplRatio().error()).isCloseTo(standardError(lnRatio), within(1e-6));
        assertThat(s.pplRatio().value()).isCloseTo(Math.exp(mean(lnRatio)), within(1e-6));
        assertThat(s.pplDifference().value()).isCloseTo(s.ppl().value() - s.pplBase().value(), within(1e-9));

        assertThat(s.kld().value()).isCloseTo(mean(d.kld), within(1e-6));
        assertThat(s.kld().error()).isCloseTo(standardError(d.kld), within(1e-6));
        assertThat(s.pDiff().value()).isCloseTo(mean(d.pDiff), within(1e-7));
        assertThat(s.pDiff().error()).isCloseTo(standardError(d.pDiff), within(1e-7));
        double[] squares = Arrays.stream(d.pDiff).map(x -> x * x).toArray();
        assertThat(s.pDiffRms().value()).isCloseTo(Math.sqrt(mean(squares)), within(1e-7));
        // delta method: d sqrt(m) = dm / (2 sqrt(m))
        assertThat(s.pDiffRms().error()).isCloseTo(standardError(squares) / (2 * Math.sqrt(mean(squares))), within(1e-7));
        double top = (double) d.sameTop / TOKENS;
        assertThat(s.sameTop().value()).isEqualTo(top);
        assertThat(s.sameTop().error()).isCloseTo(Math.sqrt(top * (1 - top) / (TOKENS - 1)), within(1e-12));
        assertThat(top).as("the perturbation leaves some top tokens alone and moves others").isBetween(0.05, 0.95);
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void percentilesInterpolateTheSortedPerTokenValues(long seed) {
        Run r = run(seed, 0.5);
        Direct d = r.direct();
        Distribution kld = r.acc().kldDistribution();
        Distribution pDiff = r.acc().pDiffDistribution();
        assertThat(kld.size()).isEqualTo(TOKENS);
        for (float f : new float[] {0.001f, 0.01f, 0.05f, 0.1f, 0.25f, 0.75f, 0.9f, 0.95f, 0.99f, 0.999f}) {
            assertThat((double) kld.percentile(f)).as("KLD %s", f).isCloseTo(percentile(d.kld, f), within(1e-5));
            assertThat((double) pDiff.percentile(f)).as("Δp %s", f).isCloseTo(percentile(d.pDiff, f), within(1e-6));
        }
        assertThat((double) kld.median()).isCloseTo(percentile(d.kld, 0.5), within(1e-5));
        assertThat((double) kld.max()).isCloseTo(Arrays.stream(d.kld).max().orElseThrow(), within(1e-5));
        assertThat((double) pDiff.min()).isCloseTo(Arrays.stream(d.pDiff).min().orElseThrow(), within(1e-6));
    }

    @ParameterizedTest
    @ValueSource(longs = {31})
    void aModelComparedWithItsOwnBaseHasNearZeroDivergence(long seed) {
        Run r = run(seed, 0);
        KldStatistics s = r.acc().statistics();
        assertThat(s.kld().value()).isCloseTo(0, within(1e-5));
        assertThat(s.sameTop().value()).isEqualTo(1.0);
        assertThat(s.lnPplCorrelation()).isGreaterThan(0.99999);
        assertThat(s.pplRatio().value()).isCloseTo(1, within(1e-4));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 10, 11, 400})
    void medianOfFewValuesIsTheMiddleOne(int n) {
        float[] v = new float[n];
        Random rnd = new Random(n);
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        double[] asDouble = new double[n];
        for (int i = 0; i < n; i++) {
            asDouble[i] = v[i];
        }
        Distribution dist = new Distribution(v);
        assertThat((double) dist.median()).isCloseTo(percentile(asDouble, 0.5), within(1e-6));
        assertThat(dist.percentile(0)).isEqualTo(dist.min());
        assertThat(dist.percentile(1)).isEqualTo(dist.max());
    }
}
