package org.bitclass.eval.tasks;

import org.bitclass.eval.EvalText;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One WinoGrande task: a sentence split at its blank ({@code _}), two choices for the blank and the right one
 * (1 or 2). The file is llama-perplexity's CSV: {@code index,sentence,choice1,choice2,answer}, the sentence optionally
 * in double quotes (which may hold commas); the other fields are taken as they stand.
 *
 * @param number the task's 1-based position among the file's tasks
 */
public record WinograndeTask(int number, String first, String second, String choice1, String choice2, int answer) {

    /** What C++'s {@code stream >> int} accepts at the start of the answer field. */
    private static final Pattern LEADING_INT = Pattern.compile("^[ \t\n\u000B\f\r]*([+-]?[0-9]+)");

    /**
     * Reads the tasks as llama-perplexity does. It skips lines it cannot parse (a header, say) and, as its loop
     * stops at end of file, the file's last line; each skipped line is told to {@code skipped}.
     */
    public static List<WinograndeTask> read(Path file, Consumer<String> skipped) throws IOException {
        String text = EvalText.read(file);
        List<String> lines = TaskLines.terminated(text);
        List<WinograndeTask> tasks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String problem = parse(lines.get(i), tasks);
            if (problem != null) {
                skipped.accept(file + " line " + (i + 1) + " skipped: " + problem);
            }
        }
        if (!TaskLines.unterminated(text).isEmpty()) {
            skipped.accept(file + " line " + (lines.size() + 1) + " skipped: llama-perplexity never reads a task"
                    + " file's last line (end the file with an empty line to have it scored)");
        }
        if (tasks.isEmpty()) {
            throw new TaskFileException(file, "no WinoGrande tasks (lines index,sentence,choice1,choice2,answer)");
        }
        return tasks;
    }

    /** Adds the line's task to {@code tasks}, or returns why the line is no task. */
    private static String parse(String line, List<WinograndeTask> tasks) {
        int[] commas = new int[4];
        int found = 0;
        boolean quoted = false;
        for (int i = 0; i < line.length() && found < 4; i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                commas[found++] = i;
            }
        }
        if (found != 4) {
            return "fewer than 5 comma-separated fields";
        }
        String sentence = line.charAt(commas[0] + 1) == '"'
                ? line.substring(commas[0] + 2, commas[1] - 1)
                : line.substring(commas[0] + 1, commas[1]);
        int blank = sentence.indexOf('_');
        if (blank < 0) {
            return "no _ in the sentence";
        }
        Matcher answer = LEADING_INT.matcher(line.substring(commas[3] + 1));
        int value = answer.find() ? parseOrZero(answer.group(1)) : 0;
        if (value != 1 && value != 2) {
            return "the answer is not 1 or 2";
        }
        tasks.add(new WinograndeTask(tasks.size() + 1, sentence.substring(0, blank), sentence.substring(blank + 1),
                line.substring(commas[1] + 1, commas[2]), line.substring(commas[2] + 1, commas[3]), value));
        return null;
    }

    /** The value, or 0 (not an answer) where C++'s stream would fail on overflow. */
    private static int parseOrZero(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
