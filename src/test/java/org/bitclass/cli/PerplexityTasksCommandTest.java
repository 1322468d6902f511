package org.bitclass.cli;

import org.bitclass.eval.tasks.KjvTasks;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bitclass perplexity --hellaswag / --winogrande / --multiple-choice} on Minima: llama-perplexity's printed
 * layout, and one-line errors. (The figures are checked in TaskScoresTest and PerplexityTasksGoldenTest.)
 */
class PerplexityTasksCommandTest {

    private static final String MODEL = SharedData.path("models/minima-qwen3-bf16.gguf").toString();

    @TempDir
    Path dir;

    @Test
    void hellaswagPrintsTheRunningAccuracyWithItsInterval() throws IOException {
        Path file = Files.writeString(dir.resolve("hs.txt"), KjvTasks.hellaswag(6));
        Cli.Result r = Cli.run("perplexity", MODEL, "--hellaswag", "-f", file.toString(), "--hellaswag-tasks", "5",
                "-t", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).matches("\ntask\tacc_norm\t95% confidence interval\n"
                + "(\\d\t\\d{1,3}\\.\\d{8}%\t\\[\\d{1,3}\\.\\d{4}%, \\d{1,3}\\.\\d{4}%]\n){5}\n\n");
        assertThat(r.out()).contains("\n5\t");
    }

    @Test
    void winograndePrintsBothScoresPerTask() throws IOException {
        Path file = Files.writeString(dir.resolve("wg.csv"), KjvTasks.winogrande(4));
        Cli.Result r = Cli.run("perplexity", MODEL, "--winogrande", "-f", file.toString(), "-t", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).matches("(\\d\t\\d{1,3}\\.\\d{4}\t +-?\\d+\\.\\d{6} +-?\\d+\\.\\d{6}  [12]  [12]\n){4}\n\n");
        assertThat(r.err()).contains(file + " line 1 skipped: no _ in the sentence",
                "fewer than 100 tasks: llama-perplexity prints no final score");
    }

    @Test
    void multipleChoicePrintsTheFinalResultAndRandomChance() throws IOException {
        Path file = Files.write(dir.resolve("mc.bin"), KjvTasks.multipleChoiceFile(KjvTasks.multipleChoice(4)));
        Cli.Result r = Cli.run("perplexity", MODEL, "--multiple-choice", "-f", file.toString(), "-t", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).matches("\ntask\tacc_norm\n(\\d\t\\d{1,3}\\.\\d{8}\n){4}\n"
                + "Final result: \\d+\\.\\d{4} \\+/- \\d+\\.\\d{4}\nRandom chance: 28\\.5714 \\+/- \\d+\\.\\d{4}\n\n");
    }

    @Test
    void badTaskFilesAndOptionsAreOneLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.txt"), "one\ntwo\n");
        Cli.Result r = Cli.run("perplexity", MODEL, "--hellaswag", "-f", bad.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("bitclass perplexity: " + bad + ": 2 lines, not a positive multiple of 6"
                + " (HellaSwag tasks are 6 lines: context, gold ending 0-3, four endings)");

        Path same = Files.writeString(dir.resolve("same.txt"), "In the beginning\n0\nGod\nGod\nGod\nGod\n");
        Cli.Result unscorable = Cli.run("perplexity", MODEL, "--hellaswag", "-f", same.toString(), "-t", "1");
        assertThat(unscorable.exitCode()).isEqualTo(1);
        assertThat(unscorable.err().strip()).endsWith("bitclass perplexity: " + same + ": task 1: a choice adds no"
                + " token to the tokens all choices share, so it cannot be scored");

        assertUsageError(Cli.run("perplexity", MODEL, "--winogrande"), "--winogrande needs the task file: give -f FILE");
        assertUsageError(Cli.run("perplexity", MODEL, "--hellaswag", "--winogrande", "-f", bad.toString()),
                "give one of --hellaswag, --winogrande and --multiple-choice per run");
        assertUsageError(Cli.run("perplexity", MODEL, "--multiple-choice", "-f", bad.toString(), "--kld", "b.bin"),
                "--multiple-choice scores tasks: leave out --kld, --kld-base, --kl-divergence and --chunks");
        assertUsageError(Cli.run("perplexity", MODEL, "--hellaswag", "-f", bad.toString(), "--hellaswag-tasks", "0"),
                "--hellaswag-tasks must be at least 1, not 0");
    }

    private static void assertUsageError(Cli.Result r, String message) {
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("bitclass perplexity: " + message + "\n");
    }
}
