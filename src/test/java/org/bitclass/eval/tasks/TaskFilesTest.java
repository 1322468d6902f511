package org.bitclass.eval.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three task-file readers: what they take from a file as llama-perplexity takes it, and their one-line errors. */
class TaskFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void hellaswagTakesSixLinesPerTaskWithOrWithoutTheFinalNewline() throws IOException {
        String text = KjvTasks.hellaswag(3);
        List<HellaSwagTask> tasks = HellaSwagTask.read(write("hs.txt", text));
        assertThat(tasks).hasSize(3);
        assertThat(tasks.get(2).gold()).isEqualTo(2);
        assertThat(tasks.get(2).endings()).hasSize(4);
        assertThat(HellaSwagTask.read(write("hs2.txt", text.strip()))).isEqualTo(tasks);
    }

    @Test
    void hellaswagErrorsNameTheFile() throws IOException {
        Path sevenLines = write("bad.txt", KjvTasks.hellaswag(1) + "extra\n");
        assertThatThrownBy(() -> HellaSwagTask.read(sevenLines)).isInstanceOf(TaskFileException.class)
                .hasMessage(sevenLines + ": 7 lines, not a positive multiple of 6 (HellaSwag tasks are 6 lines:"
                        + " context, gold ending 0-3, four endings)");
        Path badLabel = write("label.txt", "context\nfour\na\nb\nc\nd\n");
        assertThatThrownBy(() -> HellaSwagTask.read(badLabel))
                .hasMessage(badLabel + ": line 2: the gold ending must be 0, 1, 2 or 3, not 'four'");
    }

    @Test
    void hellaswagOrderIsLlamaPerplexitysDraw() {
        List<HellaSwagTask> tasks = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            tasks.add(new HellaSwagTask(i, "c", 0, List.of("a", "b", "c", "d")));
        }
        // uniform_int_distribution over the tasks left: 4, 8, 5, 6, 0, 0, 1, 2, 0, 0 (see Mt19937Test)
        assertThat(HellaSwag.select(tasks, 0).stream().map(HellaSwagTask::number))
                .containsExactly(5, 10, 7, 9, 1, 2, 4, 8, 3, 6);
        assertThat(HellaSwag.select(tasks, 3).stream().map(HellaSwagTask::number)).containsExactly(5, 10, 7);
    }

    @Test
    void winograndeSplitsTheSentenceAtItsBlankAndSkipsWhatLlamaPerplexitySkips() throws IOException {
        List<String> skipped = new ArrayList<>();
        Path file = write("wg.csv", """
                index,sentence,option1,option2,answer
                0,"Sarah, not Maria, was a better surgeon so _ got the easy cases.",Sarah,Maria,2
                1,The trophy did not fit in the case because _ was too big.,trophy,case,1
                2,No blank here.,a,b,1
                3,The _ is here.,a,b,3
                4,Never read _ either.,a,b,1
                """);
        List<WinograndeTask> tasks = WinograndeTask.read(file, skipped::add);
        assertThat(tasks).containsExactly(
                new WinograndeTask(1, "Sarah, not Maria, was a better surgeon so ", " got the easy cases.", "Sarah",
                        "Maria", 2),
                new WinograndeTask(2, "The trophy did not fit in the case because ", " was too big.", "trophy", "case",
                        1));
        assertThat(skipped).containsExactly(
                file + " line 1 skipped: no _ in the sentence",
                file + " line 4 skipped: no _ in the sentence",
                file + " line 5 skipped: the answer is not 1 or 2",
                file + " line 6 skipped: llama-perplexity never reads a task file's last line (end the file with an"
                        + " empty line to have it scored)");
        Path none = write("none.csv", "index,sentence,option1,option2,answer\n\n");
        assertThatThrownBy(() -> WinograndeTask.read(none, s -> { }))
                .hasMessage(none + ": no WinoGrande tasks (lines index,sentence,choice1,choice2,answer)");
    }

    @Test
    void multipleChoiceReadsItsBinaryFormatAndDrawsSubsets() throws IOException {
        List<MultipleChoiceTask> written = KjvTasks.multipleChoice(5);
        Path file = dir.resolve("mc.bin");
        Files.write(file, KjvTasks.multipleChoiceFile(written));
        List<MultipleChoiceTask> all = MultipleChoiceTask.read(file, 0);
        assertThat(all).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(all.get(i).question()).isEqualTo(written.get(i).question());
            assertThat(all.get(i).answers()).isEqualTo(written.get(i).answers());
            assertThat(all.get(i).labels()).isEqualTo(written.get(i).labels());
        }
        int[] drawn = Mt19937.subset(5, 3);
        assertThat(MultipleChoiceTask.read(file, 3).stream().map(MultipleChoiceTask::number))
                .containsExactly(drawn[0] + 1, drawn[1] + 1, drawn[2] + 1);
    }

    @Test
    void multipleChoiceErrorsNameTheFile() throws IOException {
        byte[] bytes = KjvTasks.multipleChoiceFile(KjvTasks.multipleChoice(3));
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> MultipleChoiceTask.read(cut, 0)).isInstanceOf(TaskFileException.class)
                .hasMessage(cut + ": task 3 of 3 is cut short or damaged");
        Path empty = dir.resolve("empty.bin");
        Files.write(empty, new byte[4]);
        assertThatThrownBy(() -> MultipleChoiceTask.read(empty, 0)).hasMessage(empty + ": no tasks");
    }
}
