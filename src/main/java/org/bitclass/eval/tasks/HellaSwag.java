package org.bitclass.eval.tasks;

import org.bitclass.eval.CFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * llama-perplexity's {@code --hellaswag}: acc_norm (the ending with the highest mean token log-probability is
 * chosen) with a 95 % Wilson score interval, over tasks drawn in llama-perplexity's random order.
 */
public final class HellaSwag {

    /** llama-perplexity's default number of tasks. */
    public static final int DEFAULT_TASKS = 400;

    private static final double Z_95 = 1.95996398454;

    /** The final figures, in percent: the last running line. */
    public record Score(int tasks, double accNorm, double low, double high) {
    }

    private HellaSwag() {
    }

    /**
     * {@code count} tasks (all if 0 or more than there are) in the order llama-perplexity scores them: each drawn at random
     * from those left, with {@code std::mt19937(1)}; all tasks are drawn so too, so even they come in that order.
     */
    public static List<HellaSwagTask> select(List<HellaSwagTask> tasks, int count) {
        List<HellaSwagTask> left = new ArrayList<>(tasks);
        List<HellaSwagTask> selected = new ArrayList<>();
        Mt19937 rng = new Mt19937(1);
        int n = count <= 0 ? tasks.size() : Math.min(count, tasks.size());
        while (selected.size() < n) {
            selected.add(left.remove(rng.uniformBelow(left.size())));
        }
        return selected;
    }

    /** The header llama-perplexity prints before the running lines. */
    public static String header() {
        return "task\tacc_norm\t95% confidence interval";
    }

    /** Scores {@code tasks} in order, handing each running line to {@code lines}. */
    public static Score score(TaskModel model, List<HellaSwagTask> tasks, Consumer<String> lines) {
        List<ChoiceTokens> prepared = new ArrayList<>();
        for (HellaSwagTask t : tasks) {
            prepared.add(model.prepare(t.number(), t.endings().stream().map(e -> t.context() + " " + e)
                    .toArray(String[]::new)));
        }
        int correct = 0;
        Score score = null;
        for (int i = 0; i < tasks.size(); i++) {
            double[] means = ChoiceScores.means(model.evaluate(prepared.get(i)), ChoiceScores.Sum.DOUBLE);
            if (ChoiceScores.best(means) == tasks.get(i).gold()) {
                correct++;
            }
            score = wilson(i + 1, correct);
            lines.accept((i + 1) + "\t" + CFormat.fixed(score.accNorm(), 3, 8) + "%\t["
                    + CFormat.fixed(score.low(), 3, 4) + "%, " + CFormat.fixed(score.high(), 3, 4) + "%]");
        }
        return score;
    }

    private static Score wilson(int n, int correct) {
        double freq = (double) correct / n;
        double z = Z_95 * Z_95 / n;
        double half = z * Math.sqrt(n * (4.0 * freq * (1 - freq) + z)) / (Z_95 + Z_95);
        return new Score(n, freq * 100.0, (freq + z * 0.5 - half) / (1.0 + z) * 100.0,
                (freq + z * 0.5 + half) / (1.0 + z) * 100.0);
    }
}
