package org.bitclass.cli;

import org.bitclass.eval.tasks.KjvTasks;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The three task modes against llama-perplexity itself: {@code golden/tasks/*.llama-perplexity.out} is what a CPU
 * build of llama.cpp (the {@code d32676d77} snapshot of ../shared, g++ 12) printed on stdout for the KJV task files
 * of {@link KjvTasks} (10 tasks each) with Minima F32, {@code -t 1 -np 8} ({@code -np} at least the most answers of a
 * multiple-choice task, which llama-perplexity requires). Ours must print the same, but for the two ways the engines
 * may differ: WinoGrande's per-task scores, which llama-perplexity prints to 6 decimals and which move by a few 1e-4
 * in llama.cpp itself with the tasks batched together; and llama-perplexity's progress dots on stdout, and its final
 * lines on stderr (ours are on stdout).
 */
class PerplexityTasksGoldenTest {

    private static final String MODEL = SharedData.path("models/minima-qwen3-f32.gguf").toString();

    @TempDir
    Path dir;

    private static String golden(String task) throws IOException {
        try (InputStream in = PerplexityTasksGoldenTest.class.getResourceAsStream(
                "/golden/tasks/" + task + ".llama-perplexity.out")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String run(String option, Path file) {
        Cli.Result r = Cli.run("perplexity", MODEL, "--" + option, "-f", file.toString(), "-t", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    void hellaswagPrintsWhatLlamaPerplexityPrints() throws IOException {
        Path file = Files.writeString(dir.resolve("hs.txt"), KjvTasks.hellaswag(10));
        assertThat(run("hellaswag", file)).isEqualTo(golden("hellaswag"));
    }

    @Test
    void multipleChoicePrintsWhatLlamaPerplexityPrints() throws IOException {
        Path file = Files.write(dir.resolve("mc.bin"), KjvTasks.multipleChoiceFile(KjvTasks.multipleChoice(10)));
        String expected = golden("multiple-choice").replace("..........done\n", "");
        // llama-perplexity logs these two lines on stderr, after the running lines and before its closing empty line
        int end = expected.length() - 1;
        expected = expected.substring(0, end) + "Final result: 70.0000 +/- 15.2753\n"
                + "Random chance: 30.3030 +/- 15.3189\n\n";
        assertThat(run("multiple-choice", file)).isEqualTo(expected);
    }

    @Test
    void winograndePicksAndScoresAsLlamaPerplexity() throws IOException {
        Path file = Files.writeString(dir.resolve("wg.csv"), KjvTasks.winogrande(10));
        List<String> ours = run("winogrande", file).lines().toList();
        List<String> theirs = golden("winogrande").lines().toList();
        assertThat(ours).hasSameSizeAs(theirs);
        for (int i = 0; i < ours.size(); i++) {
            String[] a = ours.get(i).split("\\s+");
            String[] b = theirs.get(i).split("\\s+");
            assertThat(a.length).isEqualTo(b.length);
            if (a.length == 1) {
                continue;
            }
            // task, running accuracy, then after the two scores the pick and the answer
            assertThat(List.of(a[0], a[1], a[4], a[5])).isEqualTo(List.of(b[0], b[1], b[4], b[5]));
            assertThat(Double.parseDouble(a[2])).isCloseTo(Double.parseDouble(b[2]), within(2e-3));
            assertThat(Double.parseDouble(a[3])).isCloseTo(Double.parseDouble(b[3]), within(2e-3));
        }
    }
}
