package org.bitclass.eval.tasks;

import org.bitclass.model.LanguageModel;
import org.bitclass.model.Session;

/**
 * An independent reference for the task scorers: one token sequence run token by token through a fresh session,
 * every position's log-softmax taken in double.
 */
final class SlowReference {

    private final float[][] rows;

    SlowReference(LanguageModel model, int[] tokens) {
        Session session = model.newSession(tokens.length);
        rows = new float[tokens.length][];
        for (int j = 0; j < tokens.length; j++) {
            rows[j] = session.forward(new int[] {tokens[j]}, j, Session.Outputs.LAST);
        }
    }

    /** log p({@code token}) after the tokens up to {@code position}. */
    double logProb(int position, int token) {
        float[] row = rows[position];
        double max = Double.NEGATIVE_INFINITY;
        for (float x : row) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : row) {
            sum += Math.exp(x - max);
        }
        return row[token] - max - Math.log(sum);
    }

    /** Number of leading tokens all sequences share. */
    static int commonPrefix(int[][] sequences) {
        int k = 0;
        while (true) {
            for (int[] s : sequences) {
                if (k >= s.length || s[k] != sequences[0][k]) {
                    return k;
                }
            }
            k++;
        }
    }
}
