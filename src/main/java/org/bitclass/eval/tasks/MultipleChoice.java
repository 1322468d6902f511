package org.bitclass.eval.tasks;

import org.bitclass.eval.CFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * llama-perplexity's {@code --multiple-choice}: the answer with the highest mean token log-probability after the
 * question is chosen; right when its label is 1. Reports the accuracy and the chance a random pick would have.
 */
public final class MultipleChoice {

    /** The final figures in percent, as llama-perplexity computes them (in float). */
    public record Score(int tasks, float percent, float sigma, float chance, float chanceSigma) {
    }

    private MultipleChoice() {
    }

    public static String header() {
        return "task\tacc_norm";
    }

    /** Scores {@code tasks} in order, handing each running line to {@code lines}. */
    public static Score score(TaskModel model, List<MultipleChoiceTask> tasks, Consumer<String> lines) {
        List<ChoiceTokens> prepared = new ArrayList<>();
        for (MultipleChoiceTask t : tasks) {
            prepared.add(model.prepare(t.number(), t.answers().stream().map(a -> t.question() + " " + a)
                    .toArray(String[]::new)));
        }
        int correct = 0;
        int answers = 0;
        for (int i = 0; i < tasks.size(); i++) {
            double[] means = ChoiceScores.means(model.evaluate(prepared.get(i)), ChoiceScores.Sum.FLOAT);
            answers += means.length;
            if (tasks.get(i).labels()[ChoiceScores.best(means)] == 1) {
                correct++;
            }
            lines.accept((i + 1) + "\t" + CFormat.fixed(100. * correct / (i + 1), 8));
        }
        int n = tasks.size();
        float p = 1.f * correct / n;
        float chance = 1.f * n / answers;
        return new Score(n, 100.f * p, 100.f * sigma(p, n), 100.f * chance, 100.f * sigma(chance, n));
    }

    /** {@code sqrt(p(1-p)/(n-1))}: the quotient in float, its root in double rounded back to float. */
    private static float sigma(float p, int n) {
        return (float) Math.sqrt(p * (1 - p) / (n - 1));
    }

    public static List<String> finalLines(Score score) {
        return List.of("Final result: " + CFormat.fixed(score.percent(), 4) + " +/- " + CFormat.fixed(score.sigma(), 4),
                "Random chance: " + CFormat.fixed(score.chance(), 4) + " +/- " + CFormat.fixed(score.chanceSigma(), 4));
    }
}
