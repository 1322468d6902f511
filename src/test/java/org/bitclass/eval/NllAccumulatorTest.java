package org.bitclass.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Per-token nll from {@link LogSoftmax} summed by accumulators that merge, against a direct double computation. */
class NllAccumulatorTest {

    @Test
    void mergedAccumulatorsMatchADirectLogSoftmaxAndItsStandardError() {
        Random rnd = new Random(7);
        int nVocab = 50;
        int n = 200;
        float[] logits = new float[n * nVocab];
        int[] next = new int[n];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (rnd.nextGaussian() * 3);
        }
        NllAccumulator a = new NllAccumulator();
        NllAccumulator b = new NllAccumulator();
        double[] nll = new double[n];
        for (int t = 0; t < n; t++) {
            next[t] = rnd.nextInt(nVocab);
            (t < 120 ? a : b).add(LogSoftmax.negLogProb(logits, t * nVocab, nVocab, next[t]));
            double z = 0;
            for (int v = 0; v < nVocab; v++) {
                z += Math.exp(logits[t * nVocab + v]);
            }
            nll[t] = Math.log(z) - logits[t * nVocab + next[t]];
        }
        a.add(b);
        double mean = java.util.Arrays.stream(nll).average().orElseThrow();
        double var = java.util.Arrays.stream(nll).map(v -> (v - mean) * (v - mean)).sum() / n;
        assertThat(a.count()).isEqualTo(n);
        assertThat(a.ppl()).isCloseTo(Math.exp(mean), within(1e-7 * Math.exp(mean)));
        assertThat(a.pplError().orElseThrow()).isCloseTo(Math.sqrt(var / (n - 1)) * Math.exp(mean), within(1e-6 * Math.exp(mean)));
    }
}
