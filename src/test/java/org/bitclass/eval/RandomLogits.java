package org.bitclass.eval;

import java.util.Random;

/** Seeded logit rows with the shapes that matter: peaked, flat, wide-ranged (beyond the 16-nat window) and constant. */
final class RandomLogits {

    private RandomLogits() {
    }

    static float[] row(Random rnd, int n, double spread) {
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (rnd.nextGaussian() * spread - 3);
        }
        return logits;
    }

    /** {@code base} plus gaussian noise of the given size: a slightly different model. */
    static float[] perturbed(Random rnd, float[] base, double noise) {
        float[] logits = base.clone();
        for (int i = 0; i < logits.length; i++) {
            logits[i] += (float) (rnd.nextGaussian() * noise);
        }
        return logits;
    }

    /** Exact log-softmax in double. */
    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - lse;
        }
        return out;
    }
}
