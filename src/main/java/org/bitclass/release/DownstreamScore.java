package org.bitclass.release;

import org.bitclass.eval.tasks.TaskKind;
import org.bitclass.eval.tasks.TaskScore;

/**
 * One file's score on a downstream task file, as {@code bitclass perplexity FILE --<task> -f TASKS} (and
 * llama-perplexity) prints it, in percent.
 *
 * @param task     {@code hellaswag}, {@code winogrande} or {@code multiple-choice}
 * @param low      with {@code high}, the range printed around the accuracy: HellaSwag's 95 % Wilson interval, ± one
 *                 standard error for the others; null where it is not a number (fewer than two tasks)
 * @param command  the standalone command that prints the figure
 */
public record DownstreamScore(String task, String taskFile, int tasks, double percent, Double low, Double high,
                              String command) {

    static DownstreamScore of(TaskScore s, String modelFile, String taskFile) {
        TaskKind kind = s.kind();
        String command = "bitclass perplexity " + modelFile + " --" + kind.option() + " -f " + taskFile
                + (kind == TaskKind.HELLASWAG ? " --hellaswag-tasks " + s.tasks() : "");
        return new DownstreamScore(kind.option(), taskFile, s.tasks(), s.percent(), finite(s.low()), finite(s.high()),
                command);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
