package org.bitclass.eval.tasks;

import org.bitclass.eval.CFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * llama-perplexity's {@code --winogrande}: each sentence is scored with either choice in its blank, by the mean
 * log-probability of the tokens after the choice (or, when the sentence ends within 3 tokens of where the two
 * differ, of all tokens from there), and the higher one is the answer.
 */
public final class Winogrande {

    /** Below this many tasks llama-perplexity prints no final score. */
    public static final int MIN_TASKS_FOR_FINAL = 100;

    /** A sentence must go on for more than this many tokens after the choices differ for the choice to be skipped. */
    private static final int MIN_TRAILING = 3;

    /** The final figures in percent, as llama-perplexity computes them (in float); sigma NaN below two tasks. */
    public record Score(int tasks, float percent, float sigma) {
    }

    private Winogrande() {
    }

    /** All tasks in file order, or {@code count} of them drawn as llama-perplexity draws them. */
    public static List<WinograndeTask> select(List<WinograndeTask> tasks, int count) {
        if (count <= 0 || count >= tasks.size()) {
            return tasks;
        }
        List<WinograndeTask> selected = new ArrayList<>();
        for (int i : Mt19937.subset(tasks.size(), count)) {
            selected.add(tasks.get(i));
        }
        return selected;
    }

    /** Scores {@code tasks} in order, handing each running line to {@code lines}. */
    public static Score score(TaskModel model, List<WinograndeTask> tasks, Consumer<String> lines) {
        List<ChoiceTokens> prepared = new ArrayList<>();
        int[][] bases = new int[tasks.size()][];
        for (int i = 0; i < tasks.size(); i++) {
            WinograndeTask t = tasks.get(i);
            prepared.add(model.prepare(t.number(), t.first() + t.choice1() + t.second(),
                    t.first() + t.choice2() + t.second()));
            bases[i] = new int[] {model.tokenize(t.first() + t.choice1()).length,
                    model.tokenize(t.first() + t.choice2()).length};
        }
        int correct = 0;
        for (int i = 0; i < tasks.size(); i++) {
            TaskLogits logits = model.evaluate(prepared.get(i));
            float score1 = choiceScore(logits, 0, bases[i][0], tasks.get(i));
            float score2 = choiceScore(logits, 1, bases[i][1], tasks.get(i));
            int result = score1 > score2 ? 1 : 2;
            if (result == tasks.get(i).answer()) {
                correct++;
            }
            lines.accept((i + 1) + "\t" + CFormat.fixed(100.0 * correct / (i + 1), 4) + "\t"
                    + CFormat.fixed(score1, 10, 6) + "  " + CFormat.fixed(score2, 10, 6) + "  " + result + "  "
                    + tasks.get(i).answer());
        }
        float p = 1.f * correct / tasks.size();
        float sigma = (float) (100.f * Math.sqrt(p * (1 - p) / (tasks.size() - 1)));
        return new Score(tasks.size(), 100 * p, sigma);
    }

    /** llama-perplexity's final line, printed from {@value #MIN_TASKS_FOR_FINAL} tasks on. */
    public static String finalLine(Score score) {
        return "Final Winogrande score(" + score.tasks() + " tasks): " + CFormat.fixed(score.percent(), 4) + " +/- "
                + CFormat.fixed(score.sigma(), 4);
    }

    /**
     * The mean log-probability of choice {@code s}'s sentence from {@code base} tokens on, {@code base} being the
     * tokens of the sentence up to its choice, or the shared tokens when the choice is not skipped. The last token
     * is left out when more than one is scored. Sizes are C's unsigned {@code size_t}, as in llama-perplexity.
     */
    private static float choiceScore(TaskLogits logits, int s, int choiceBase, WinograndeTask task) {
        ChoiceTokens tokens = logits.task();
        int common = tokens.commonPrefix();
        boolean skipChoice = tokens.length(0) - common > MIN_TRAILING && tokens.length(1) - common > MIN_TRAILING;
        int base = skipChoice ? choiceBase : common;
        if (base < common) {
            // llama-perplexity would read logits from before the task (another task's, or none)
            throw new IllegalArgumentException("task " + task.number() + ": choice " + (s + 1) + " ends inside the"
                    + " tokens both sentences share, which llama-perplexity cannot score");
        }
        int len = tokens.length(s);
        int last = Long.compareUnsigned(len - base, 1) > 0 ? 1 : 0;
        float sum = 0;
        for (int j = base - 1; j < len - 1 - last; j++) {
            int next = tokens.token(s, j + 1);
            // llama-perplexity's known slip (its FIXME): the second sentence's first scored token, when it follows
            // the shared tokens, is scored on the logits after the first sentence's end
            sum += s == 1 && j == common - 1 ? logits.logProb(0, tokens.length(0) - 1, next)
                    : logits.logProb(s, j, next);
        }
        long count = (long) len - base - last;
        return sum / (count >= 0 ? count : 0x1p64f); // a negative size_t wraps to about 2^64
    }
}
