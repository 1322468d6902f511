package org.bitclass.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A stand-in model for driver tests: the logits at a position depend on the token there and, weakly, on the
 * sequence's first token (so a BOS replacement shows), from a seeded random table. Records what it was asked.
 */
final class BigramModel implements LogitsSource {

    final List<int[]> evaluated = new ArrayList<>();
    private final float[][] table;
    private final float firstTokenWeight;

    BigramModel(long seed, int nVocab, double spread) {
        Random rnd = new Random(seed);
        table = new float[nVocab][];
        for (int i = 0; i < nVocab; i++) {
            table[i] = RandomLogits.row(rnd, nVocab, spread);
        }
        firstTokenWeight = 0.01f;
    }

    /** The same table, a little different: a "quantized" variant of the model. */
    BigramModel perturbed(long seed, double noise) {
        return new BigramModel(this, seed, noise);
    }

    private BigramModel(BigramModel base, long seed, double noise) {
        Random rnd = new Random(seed);
        table = new float[base.table.length][];
        for (int i = 0; i < table.length; i++) {
            table[i] = RandomLogits.perturbed(rnd, base.table[i], noise);
        }
        firstTokenWeight = base.firstTokenWeight;
    }

    @Override
    public int vocabSize() {
        return table.length;
    }

    /** Logits at {@code position} of {@code tokens}. */
    float[] logits(int[] tokens, int position) {
        float[] row = table[tokens[position]].clone();
        row[tokens[0]] += firstTokenWeight;
        return row;
    }

    @Override
    public void evaluate(int[] tokens, int from, int to, Rows rows) {
        evaluated.add(tokens.clone());
        // all rows in one buffer, handed out at offsets, as an engine returning a whole batch would
        int n = vocabSize();
        float[] batch = new float[(to - from) * n];
        for (int p = from; p < to; p++) {
            System.arraycopy(logits(tokens, p), 0, batch, (p - from) * n, n);
        }
        for (int p = from; p < to; p++) {
            rows.accept(p, batch, (p - from) * n);
        }
    }
}
