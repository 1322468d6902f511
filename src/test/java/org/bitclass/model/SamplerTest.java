package org.bitclass.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    /** Logits of the distribution (0.5, 0.3, 0.2). */
    private static final float[] THREE = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};

    private static Sampler.Settings plain(long seed) {
        return new Sampler.Settings(1, 0, 1, 0, 1, 64, seed);
    }

    private static double[] frequencies(Sampler.Settings settings, float[] logits, int draws) {
        Sampler s = new Sampler(settings);
        double[] f = new double[logits.length];
        for (int i = 0; i < draws; i++) {
            f[s.sample(logits)] += 1.0 / draws;
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void sameSeedSameTokens(long seed) {
        float[] logits = new float[500];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian() * 2;
        }
        Sampler a = new Sampler(Sampler.Settings.defaults(seed));
        Sampler b = new Sampler(Sampler.Settings.defaults(seed));
        for (int i = 0; i < 200; i++) {
            assertThat(a.sample(logits)).isEqualTo(b.sample(logits));
        }
    }

    @Test
    void greedyTakesTheLargestLogit() {
        float[] logits = {0.1f, 2.5f, -1, 2.4f};
        assertThat(new Sampler(Sampler.Settings.greedy()).sample(logits)).isEqualTo(1);
        assertThat(new Sampler(new Sampler.Settings(5, 1, 1, 0, 1, 64, 9)).sample(logits)).isEqualTo(1);
    }

    @Test
    void plainSamplingFollowsTheSoftmax() {
        double[] f = frequencies(plain(7), THREE, 40_000);
        assertThat(f[0]).isCloseTo(0.5, within(0.015));
        assertThat(f[1]).isCloseTo(0.3, within(0.015));
        assertThat(f[2]).isCloseTo(0.2, within(0.015));
    }

    @Test
    void temperatureFlattens() {
        double[] f = frequencies(new Sampler.Settings(1000, 0, 1, 0, 1, 64, 3), THREE, 30_000);
        for (double x : f) {
            assertThat(x).isCloseTo(1 / 3.0, within(0.02));
        }
    }

    @Test
    void topKDropsTheTail() {
        double[] f = frequencies(new Sampler.Settings(1, 2, 1, 0, 1, 64, 5), THREE, 20_000);
        assertThat(f[2]).isZero();
        assertThat(f[0]).isCloseTo(0.5 / 0.8, within(0.02));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // 0.5 < 0.7 ≤ 0.5 + 0.3: tokens 0 and 1 stay
        double[] f = frequencies(new Sampler.Settings(1, 0, 0.7f, 0, 1, 64, 5), THREE, 20_000);
        assertThat(f[2]).isZero();
        assertThat(f[1]).isGreaterThan(0.3);
        // 0.5 ≥ 0.5: only token 0
        assertThat(frequencies(new Sampler.Settings(1, 0, 0.5f, 0, 1, 64, 5), THREE, 1000)[0]).isEqualTo(1.0, within(1e-9));
    }

    @Test
    void minPDropsTokensFarBelowTheBest() {
        // min-p 0.5 keeps p ≥ 0.25: tokens 0 and 1
        double[] f = frequencies(new Sampler.Settings(1, 0, 1, 0.5f, 1, 64, 5), THREE, 20_000);
        assertThat(f[2]).isZero();
        assertThat(f[1]).isCloseTo(0.3 / 0.8, within(0.02));
    }

    @Test
    void repetitionPenaltyDemotesSeenTokens() {
        float[] logits = {2.0f, 1.9f, -1.0f};
        Sampler s = new Sampler(new Sampler.Settings(0, 0, 1, 0, 1.5f, 64, 0));
        assertThat(s.sample(logits)).isEqualTo(0);
        s.accept(0);
        assertThat(s.sample(logits)).isEqualTo(1);
        // the window forgets: after 64 other tokens, token 0 is no longer penalized
        for (int i = 0; i < 64; i++) {
            s.accept(2);
        }
        assertThat(s.sample(logits)).isEqualTo(0);
    }

    /** Partial selection gives the first k of a full sort by (logit descending, id ascending), ties included. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1, 1", "40, 2", "40, 3", "999, 4", "1000, 5"})
    void topCandidatesEqualTheHeadOfAFullSort(int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] l = new float[1000];
        for (int i = 0; i < l.length; i++) {
            l[i] = r.nextInt(50) * 0.25f - 6;   // many ties
        }
        Integer[] all = new Integer[l.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        java.util.Arrays.sort(all, (a, b) -> l[a] != l[b] ? Float.compare(l[b], l[a]) : Integer.compare(a, b));
        int[] expected = java.util.Arrays.stream(all).limit(k).mapToInt(Integer::intValue).toArray();
        assertThat(Sampler.candidatesByLogit(l, k)).containsExactly(expected);
    }
}
