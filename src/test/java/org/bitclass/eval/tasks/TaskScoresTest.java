package org.bitclass.eval.tasks;

import org.bitclass.eval.EvalText;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.testutil.SharedData;
import org.bitclass.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The three scorers on Minima against the scoring rules applied directly: each choice's sequence run token by token,
 * log-probabilities in double, the rule of llama-perplexity's task written out again; the printed lines formatted
 * here with Java's formatter.
 */
class TaskScoresTest {

    private static final int N_CTX = 512;
    /** Float sums of about twenty float log-probabilities against double ones. */
    private static final double TOLERANCE = 1e-4;

    private static LanguageModel lm;
    private static Tokenizer tokenizer;
    private static TaskModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws IOException {
        Path path = SharedData.path("models/minima-qwen3-bf16.gguf");
        lm = Models.open(path, 1);
        tokenizer = Tokenizer.open(path);
        model = new TaskModel(lm, tokenizer, N_CTX);
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    private static int[] tokens(String text) {
        return EvalText.tokenize(tokenizer, text);
    }

    /** The mean log-probability of each choice's tokens after the shared ones, the first from the last shared position. */
    private static double[] referenceMeans(String[] texts) {
        int[][] seqs = new int[texts.length][];
        for (int s = 0; s < texts.length; s++) {
            seqs[s] = tokens(texts[s]);
        }
        int common = SlowReference.commonPrefix(seqs);
        double[] means = new double[texts.length];
        for (int s = 0; s < texts.length; s++) {
            SlowReference ref = new SlowReference(lm, seqs[s]);
            double sum = 0;
            for (int j = common - 1; j < seqs[s].length - 1; j++) {
                sum += ref.logProb(j, seqs[s][j + 1]);
            }
            means[s] = sum / (seqs[s].length - common);
        }
        return means;
    }

    /** Index of the highest score, checked to lead clearly so float and double agree on it. */
    private static int clearBest(double[] scores) {
        int best = 0;
        for (int s = 1; s < scores.length; s++) {
            best = scores[s] > scores[best] ? s : best;
        }
        for (int s = 0; s < scores.length; s++) {
            assertThat(s == best || scores[best] - scores[s] > 10 * TOLERANCE).as("clear lead").isTrue();
        }
        return best;
    }

    private static List<String> run(TaskKind kind, Path file) throws IOException {
        List<String> out = new ArrayList<>();
        kind.load(file, 0, s -> { }).score(model, out::add, () -> { });
        return out;
    }

    @Test
    void hellaswagFollowsItsRule() throws IOException {
        Path file = Files.writeString(dir.resolve("hs.txt"), KjvTasks.hellaswag(10));
        List<HellaSwagTask> tasks = HellaSwag.select(HellaSwagTask.read(file), 0);
        List<String> expected = new ArrayList<>(List.of("", "task\tacc_norm\t95% confidence interval"));
        int correct = 0;
        for (int i = 0; i < tasks.size(); i++) {
            HellaSwagTask t = tasks.get(i);
            String[] texts = t.endings().stream().map(e -> t.context() + " " + e).toArray(String[]::new);
            double[] reference = referenceMeans(texts);
            assertThat(ChoiceScores.means(model.evaluate(model.prepare(t.number(), texts)), ChoiceScores.Sum.DOUBLE))
                    .containsExactly(reference, within(TOLERANCE));
            correct += clearBest(reference) == t.gold() ? 1 : 0;
            int n = i + 1;
            double p = (double) correct / n;
            double z = 1.95996398454 * 1.95996398454 / n;
            double half = 1.95996398454 * Math.sqrt(p * (1 - p) / n + z / (4.0 * n));
            expected.add(String.format(Locale.ROOT, "%d\t%.8f%%\t[%.4f%%, %.4f%%]", n, 100 * p,
                    100 * (p + z / 2 - half) / (1 + z), 100 * (p + z / 2 + half) / (1 + z)));
        }
        expected.add("");
        assertThat(correct).as("a task set that tells right from wrong").isBetween(1, 9);
        assertThat(run(TaskKind.HELLASWAG, file)).containsExactlyElementsOf(expected);
    }

    @Test
    void winograndeFollowsItsRule() throws IOException {
        Path file = Files.writeString(dir.resolve("wg.csv"), KjvTasks.winogrande(10));
        List<WinograndeTask> tasks = WinograndeTask.read(file, s -> { });
        assertThat(tasks).hasSize(10);
        List<String> lines = run(TaskKind.WINOGRANDE, file);
        assertThat(lines).hasSize(11).last().isEqualTo("");
        int correct = 0;
        for (int i = 0; i < tasks.size(); i++) {
            WinograndeTask t = tasks.get(i);
            double[] scores = referenceWinogrande(t);
            int result = scores[0] > scores[1] ? 1 : 2;
            assertThat(Math.abs(scores[0] - scores[1])).as("clear lead").isGreaterThan(10 * TOLERANCE);
            correct += result == t.answer() ? 1 : 0;
            String[] fields = lines.get(i).split("\t|  +");
            assertThat(lines.get(i)).matches("\\d+\t\\d+\\.\\d{4}\t {0,3}-?\\d+\\.\\d{6}  {1,4}-?\\d+\\.\\d{6}  [12]  [12]");
            assertThat(fields[0]).isEqualTo(Integer.toString(i + 1));
            assertThat(fields[1]).isEqualTo(String.format(Locale.ROOT, "%.4f", 100.0 * correct / (i + 1)));
            assertThat(Double.parseDouble(fields[2].strip())).isCloseTo(scores[0], within(TOLERANCE));
            assertThat(Double.parseDouble(fields[3].strip())).isCloseTo(scores[1], within(TOLERANCE));
            assertThat(fields[4] + fields[5]).isEqualTo(result + "" + t.answer());
        }
    }

    /**
     * Either sentence's mean log-probability from its choice's end on, or from where the sentences differ if either
     * ends within three tokens of it; the last token left out when more than one is scored; and the second
     * sentence's first token after the shared ones predicted from the first sentence's last position, as
     * llama-perplexity does.
     */
    private static double[] referenceWinogrande(WinograndeTask t) {
        int[][] seqs = {tokens(t.first() + t.choice1() + t.second()), tokens(t.first() + t.choice2() + t.second())};
        int[] choiceEnds = {tokens(t.first() + t.choice1()).length, tokens(t.first() + t.choice2()).length};
        int common = SlowReference.commonPrefix(seqs);
        boolean skip = seqs[0].length - common > 3 && seqs[1].length - common > 3;
        SlowReference first = new SlowReference(lm, seqs[0]);
        SlowReference[] refs = {first, new SlowReference(lm, seqs[1])};
        double[] scores = new double[2];
        for (int s = 0; s < 2; s++) {
            int base = skip ? choiceEnds[s] : common;
            int last = seqs[s].length - base > 1 ? 1 : 0;
            double sum = 0;
            for (int j = base - 1; j < seqs[s].length - 1 - last; j++) {
                sum += s == 1 && j == common - 1 ? first.logProb(seqs[0].length - 1, seqs[1][j + 1])
                        : refs[s].logProb(j, seqs[s][j + 1]);
            }
            scores[s] = sum / (seqs[s].length - base - last);
        }
        return scores;
    }

    @Test
    void multipleChoiceFollowsItsRule() throws IOException {
        List<MultipleChoiceTask> tasks = KjvTasks.multipleChoice(10);
        Path file = Files.write(dir.resolve("mc.bin"), KjvTasks.multipleChoiceFile(tasks));
        List<String> expected = new ArrayList<>(List.of("", "task\tacc_norm"));
        int correct = 0;
        int answers = 0;
        for (int i = 0; i < tasks.size(); i++) {
            MultipleChoiceTask t = tasks.get(i);
            String[] texts = t.answers().stream().map(a -> t.question() + " " + a).toArray(String[]::new);
            double[] reference = referenceMeans(texts);
            assertThat(ChoiceScores.means(model.evaluate(model.prepare(t.number(), texts)), ChoiceScores.Sum.FLOAT))
                    .containsExactly(reference, within(TOLERANCE));
            correct += t.labels()[clearBest(reference)];
            answers += texts.length;
            expected.add(String.format(Locale.ROOT, "%d\t%.8f", i + 1, 100.0 * correct / (i + 1)));
        }
        double p = correct / 10.0;
        double chance = 10.0 / answers;
        expected.addAll(List.of("", String.format(Locale.ROOT, "Final result: %.4f +/- %.4f", 100 * p,
                        100 * Math.sqrt(p * (1 - p) / 9)),
                String.format(Locale.ROOT, "Random chance: %.4f +/- %.4f", 100 * chance,
                        100 * Math.sqrt(chance * (1 - chance) / 9))));
        assertThat(run(TaskKind.MULTIPLE_CHOICE, file)).containsExactlyElementsOf(expected);
    }
}
