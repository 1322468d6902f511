package org.bitclass.eval.tasks;

import org.bitclass.io.FileProblem;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The downstream tasks of llama-perplexity, each read from its task file and printed as llama-perplexity prints
 * it: {@code out} receives the result lines, {@code info} what llama-perplexity logs about the run.
 */
public enum TaskKind {

    HELLASWAG("hellaswag") {
        @Override
        public Scoring load(Path file, int count, Consumer<String> info) throws IOException {
            List<HellaSwagTask> all = HellaSwagTask.read(file);
            List<HellaSwagTask> tasks = HellaSwag.select(all, count);
            info.accept("loaded " + all.size() + " HellaSwag tasks from " + file + "; scoring " + tasks.size()
                    + " in llama-perplexity's random order");
            return new Scoring(tasks.size(), file, (model, out, done) -> {
                out.accept("");
                out.accept(HellaSwag.header());
                HellaSwag.Score s = HellaSwag.score(model, tasks, running(out, done));
                out.accept("");
                return new TaskScore(this, s.tasks(), s.accNorm(), s.low(), s.high());
            });
        }
    },

    WINOGRANDE("winogrande") {
        @Override
        public Scoring load(Path file, int count, Consumer<String> info) throws IOException {
            List<WinograndeTask> all = WinograndeTask.read(file, info);
            List<WinograndeTask> tasks = Winogrande.select(all, count);
            info.accept("loaded " + all.size() + " WinoGrande tasks from " + file + "; scoring " + tasks.size());
            return new Scoring(tasks.size(), file, (model, out, done) -> {
                Winogrande.Score s = Winogrande.score(model, tasks, running(out, done));
                out.accept("");
                if (s.tasks() >= Winogrande.MIN_TASKS_FOR_FINAL) {
                    out.accept(Winogrande.finalLine(s));
                } else {
                    info.accept("fewer than " + Winogrande.MIN_TASKS_FOR_FINAL + " tasks: llama-perplexity prints"
                            + " no final score; the last line is the accuracy");
                }
                return new TaskScore(this, s.tasks(), s.percent(), s.percent() - s.sigma(), s.percent() + s.sigma());
            });
        }
    },

    MULTIPLE_CHOICE("multiple-choice") {
        @Override
        public Scoring load(Path file, int count, Consumer<String> info) throws IOException {
            List<MultipleChoiceTask> tasks = MultipleChoiceTask.read(file, count);
            info.accept("read " + tasks.size() + " multiple-choice tasks from " + file);
            return new Scoring(tasks.size(), file, (model, out, done) -> {
                out.accept("");
                out.accept(MultipleChoice.header());
                MultipleChoice.Score s = MultipleChoice.score(model, tasks, running(out, done));
                out.accept("");
                MultipleChoice.finalLines(s).forEach(out);
                return new TaskScore(this, s.tasks(), s.percent(), s.percent() - s.sigma(), s.percent() + s.sigma());
            });
        }
    };

    private final String option;

    TaskKind(String option) {
        this.option = option;
    }

    /** The llama-perplexity option that selects the task, without dashes. */
    public String option() {
        return option;
    }

    /**
     * Reads and checks the task file, and draws the tasks to score as llama-perplexity does: {@code count} of them,
     * or all when {@code count} is 0 or not below their number.
     */
    public abstract Scoring load(Path file, int count, Consumer<String> info) throws IOException;

    /** The running lines go to {@code out}, and each tells {@code done} that a task was scored. */
    private static Consumer<String> running(Consumer<String> out, Runnable done) {
        return line -> {
            out.accept(line);
            done.run();
        };
    }

    /** Tasks read and ready: scoring them with a model prints their lines and gives the score. */
    public record Scoring(int tasks, Path file, Run run) {

        /**
         * {@code done} is told after each task. A task the model's tokens make unscorable (checked as it is
         * tokenized) is an error naming the file.
         */
        public TaskScore score(TaskModel model, Consumer<String> out, Runnable done) {
            try {
                return run.score(model, out, done);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(FileProblem.message(file, e.getMessage()), e);
            }
        }
    }

    @FunctionalInterface
    public interface Run {
        TaskScore score(TaskModel model, Consumer<String> out, Runnable done);
    }
}
