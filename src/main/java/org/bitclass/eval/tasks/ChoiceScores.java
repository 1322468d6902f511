package org.bitclass.eval.tasks;

/**
 * The choice scoring of HellaSwag and multiple choice in llama-perplexity: each choice's mean log-probability of its
 * tokens after the shared ones, the first of them from the last shared position; the best is the first highest.
 */
final class ChoiceScores {

    /** How the mean is accumulated: HellaSwag sums in double, multiple choice in float. */
    enum Sum { DOUBLE, FLOAT }

    private ChoiceScores() {
    }

    static double[] means(TaskLogits logits, Sum precision) {
        ChoiceTokens task = logits.task();
        double[] means = new double[task.choices()];
        for (int s = 0; s < means.length; s++) {
            double sumD = logits.firstLogProb(s);
            float sumF = logits.firstLogProb(s);
            int count = 1;
            for (int j = task.commonPrefix(); j < task.length(s) - 1; j++) {
                float lp = logits.logProb(s, j, task.token(s, j + 1));
                sumD += lp;
                sumF += lp;
                count++;
            }
            means[s] = precision == Sum.DOUBLE ? sumD / count : sumF / count;
        }
        return means;
    }

    static int best(double[] scores) {
        int best = 0;
        for (int s = 1; s < scores.length; s++) {
            if (scores[s] > scores[best]) {
                best = s;
            }
        }
        return best;
    }
}
