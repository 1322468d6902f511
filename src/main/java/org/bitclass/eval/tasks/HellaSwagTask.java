package org.bitclass.eval.tasks;

import org.bitclass.eval.EvalText;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One HellaSwag task: a context, four endings and the index of the right one. The file is llama-perplexity's: six
 * lines per task (context, gold index, four endings).
 *
 * @param number the task's 1-based position in its file
 */
public record HellaSwagTask(int number, String context, int gold, List<String> endings) {

    static final int ENDINGS = 4;
    private static final int LINES = 2 + ENDINGS;

    public static List<HellaSwagTask> read(Path file) throws IOException {
        List<String> lines = TaskLines.all(EvalText.read(file));
        if (lines.isEmpty() || lines.size() % LINES != 0) {
            throw new TaskFileException(file, lines.size() + " lines, not a positive multiple of " + LINES
                    + " (HellaSwag tasks are 6 lines: context, gold ending 0-3, four endings)");
        }
        List<HellaSwagTask> tasks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += LINES) {
            String label = lines.get(i + 1).strip();
            if (!label.matches("[0-3]")) {
                throw new TaskFileException(file, "line " + (i + 2) + ": the gold ending must be 0, 1, 2 or 3, not '"
                        + label + "'");
            }
            tasks.add(new HellaSwagTask(tasks.size() + 1, lines.get(i), Integer.parseInt(label),
                    List.copyOf(lines.subList(i + 2, i + LINES))));
        }
        return tasks;
    }
}
