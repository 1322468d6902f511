package org.bitclass.eval.tasks;

import org.bitclass.model.Session;

import java.util.Arrays;

/**
 * The logits of one task: the last shared position once, then every position of each choice evaluated after the
 * shared tokens. The log-probabilities follow llama-perplexity's two task formulas, whose precisions differ from
 * its perplexity mode and from each other; the scores match its printed digits only with the same float steps.
 */
final class TaskLogits {

    private final ChoiceTokens task;
    private final int nVocab;
    private final float[] shared;
    private final float[][] choices;

    private TaskLogits(ChoiceTokens task, int nVocab, float[] shared, float[][] choices) {
        this.task = task;
        this.nVocab = nVocab;
        this.shared = shared;
        this.choices = choices;
    }

    static TaskLogits evaluate(Session session, int nVocab, ChoiceTokens task) {
        int common = task.commonPrefix();
        float[] shared = session.forward(Arrays.copyOf(task.sequences()[0], common), 0, Session.Outputs.LAST);
        float[][] choices = new float[task.choices()][];
        for (int s = 0; s < choices.length; s++) {
            int[] own = Arrays.copyOfRange(task.sequences()[s], common, task.length(s));
            choices[s] = session.forward(own, common, Session.Outputs.ALL); // replaces the previous choice's tokens
        }
        return new TaskLogits(task, nVocab, shared, choices);
    }

    ChoiceTokens task() {
        return task;
    }

    /**
     * log p({@code token}) after {@code position} of choice {@code choice} (the last shared position included), all in
     * float as llama-perplexity's task scorers compute it: float maximum, float sum of {@code expf}, {@code logf}.
     */
    float logProb(int choice, int position, int token) {
        float[] logits = position == task.commonPrefix() - 1 ? shared : choices[choice];
        int offset = position == task.commonPrefix() - 1 ? 0 : (position - task.commonPrefix()) * nVocab;
        float max = logits[offset];
        for (int i = 1; i < nVocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        float sum = 0;
        for (int i = 0; i < nVocab; i++) {
            sum += (float) Math.exp(logits[offset + i] - max);
        }
        return logits[offset + token] - max - (float) Math.log(sum);
    }

    /**
     * log p(first token of {@code choice} after the shared ones) through llama-perplexity's softmax: the sum in
     * double, the probability rounded to float, then {@code logf}.
     */
    float firstLogProb(int choice) {
        float max = shared[0];
        for (int i = 1; i < nVocab; i++) {
            max = Math.max(max, shared[i]);
        }
        double sum = 0;
        for (int i = 0; i < nVocab; i++) {
            sum += (float) Math.exp(shared[i] - max);
        }
        float e = (float) Math.exp(shared[task.token(choice, task.commonPrefix())] - max);
        return (float) Math.log((float) (e / sum));
    }
}
