package org.bitclass.model;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits with llama.cpp's sampler chain order: repetition penalty, top-k, top-p, min-p,
 * temperature, then a draw from the softmax. A temperature of 0 or less means greedy (argmax after the penalty).
 * The random draws come from a seeded generator, so a seed reproduces a run (but not llama.cpp's draws).
 */
public final class Sampler {

    /**
     * @param topK          keep the k most likely tokens; 0 or less disables
     * @param topP          keep the most likely tokens whose probabilities sum to at least p; 1 disables
     * @param minP          keep tokens at least minP times as likely as the best; 0 disables
     * @param repeatPenalty divide positive (multiply negative) logits of recently seen tokens; 1 disables
     * @param repeatLastN   how many recent tokens the penalty looks at
     */
    public record Settings(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
                           long seed) {

        /** llama.cpp's defaults (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition penalty). */
        public static Settings defaults(long seed) {
            return new Settings(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, seed);
        }

        public static Settings greedy() {
            return new Settings(0, 0, 1, 0, 1, 64, 0);
        }
    }

    private final Settings settings;
    private final SplittableRandom random;
    private final Deque<Integer> recent = new ArrayDeque<>();

    public Sampler(Settings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    /** Remembers a token of the sequence (prompt or generated) for the repetition penalty. */
    public void accept(int token) {
        if (settings.repeatLastN() <= 0) {
            return;
        }
        recent.addLast(token);
        if (recent.size() > settings.repeatLastN()) {
            recent.removeFirst();
        }
    }

    /** Chooses a token from {@code logits[off .. off+n)}; does not {@link #accept} it. */
    public int sample(float[] logits, int off, int n) {
        float[] l = Arrays.copyOfRange(logits, off, off + n);
        penalize(l);
        if (settings.temperature() <= 0) {
            return argmax(l);
        }
        int[] ids = candidatesByLogit(l, settings.topK() > 0 ? Math.min(settings.topK(), l.length) : l.length);
        int size = ids.length;
        if (settings.topP() < 1) {
            double[] p = softmax(l, ids, size, 1);
            double cum = 0;
            for (int i = 0; i < size; i++) {
                cum += p[i];
                if (cum >= settings.topP()) {
                    size = i + 1;
                    break;
                }
            }
        }
        if (settings.minP() > 0) {
            float min = l[ids[0]] + (float) Math.log(settings.minP());
            int keep = 1;
            while (keep < size && l[ids[keep]] >= min) {
                keep++;
            }
            size = keep;
        }
        double[] p = softmax(l, ids, size, settings.temperature());
        double u = random.nextDouble();
        double cum = 0;
        for (int i = 0; i < size; i++) {
            cum += p[i];
            if (u < cum) {
                return ids[i];
            }
        }
        return ids[size - 1];
    }

    public int sample(float[] logits) {
        return sample(logits, 0, logits.length);
    }

    private void penalize(float[] l) {
        if (settings.repeatPenalty() == 1.0f) {
            return;
        }
        for (int token : recent.stream().distinct().toList()) {
            if (token >= 0 && token < l.length) {
                l[token] = l[token] <= 0 ? l[token] * settings.repeatPenalty() : l[token] / settings.repeatPenalty();
            }
        }
    }

    static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The {@code limit} best token ids by decreasing logit (ties by id). With a small limit a bounded heap keeps
     * the best so far, so the vocabulary is scanned once instead of sorted.
     */
    static int[] candidatesByLogit(float[] l, int limit) {
        PriorityQueue<Long> worstFirst = new PriorityQueue<>(limit + 1, Comparator.reverseOrder());
        long[] keys = new long[limit < l.length ? limit : l.length];
        if (limit < l.length) {
            for (int i = 0; i < l.length; i++) {
                long key = key(l, i);
                if (worstFirst.size() < limit) {
                    worstFirst.add(key);
                } else if (key < worstFirst.peek()) {
                    worstFirst.poll();
                    worstFirst.add(key);
                }
            }
            for (int i = 0; i < keys.length; i++) {
                keys[i] = worstFirst.poll();
            }
        } else {
            for (int i = 0; i < l.length; i++) {
                keys[i] = key(l, i);
            }
        }
        Arrays.sort(keys);
        int[] ids = new int[keys.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }

    /** A key whose ascending order is decreasing logit, then increasing id. */
    private static long key(float[] l, int i) {
        int bits = Float.floatToIntBits(l[i]);
        int ascending = bits >= 0 ? bits : bits ^ 0x7fffffff;   // signed-int order equal to float order
        return ((long) ~ascending << 32) | i;
    }

    private static double[] softmax(float[] l, int[] ids, int size, float temperature) {
        double[] p = new double[size];
        double max = l[ids[0]] / temperature;
        double sum = 0;
        for (int i = 0; i < size; i++) {
            p[i] = Math.exp(l[ids[i]] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < size; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
