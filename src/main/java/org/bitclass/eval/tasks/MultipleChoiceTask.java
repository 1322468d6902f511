package org.bitclass.eval.tasks;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One multiple-choice task: a question (or context to continue), its answers and their labels (1 marks a right
 * one). The file is llama-perplexity's binary format, little-endian: the task count (u32), each task's byte offset
 * (u32), then the tasks, each a string (u32 length, UTF-8 bytes), a single-answer set and a multiple-answer set;
 * a set is its answer count (u32, at most 100), that many strings and that many labels (i32). Only the
 * single-answer set is scored.
 *
 * @param number the task's 1-based position in its file
 */
public record MultipleChoiceTask(int number, String question, List<String> answers, int[] labels) {

    private static final int MAX_ANSWERS = 100;

    /**
     * The tasks llama-perplexity scores: all, read one after another from the end of the offset table; or, when
     * {@code count} is positive and below the task count, that many drawn at random, each read at its offset.
     */
    public static List<MultipleChoiceTask> read(Path file, int count) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < Integer.BYTES || in.getInt(0) == 0) {
            throw new TaskFileException(file, "no tasks");
        }
        long nTask = Integer.toUnsignedLong(in.getInt());
        if (nTask > (in.remaining() / Integer.BYTES)) {
            throw new TaskFileException(file, "the file is too short for the offsets of its " + nTask + " tasks");
        }
        int[] offsets = new int[(int) nTask];
        in.asIntBuffer().get(offsets);
        in.position(in.position() + offsets.length * Integer.BYTES);
        List<MultipleChoiceTask> tasks = new ArrayList<>();
        if (count <= 0 || count >= nTask) {
            for (int i = 0; i < nTask; i++) {
                tasks.add(task(file, in, i, nTask));
            }
        } else {
            for (int i : Mt19937.subset((int) nTask, count)) {
                long at = Integer.toUnsignedLong(offsets[i]);
                if (at > in.limit()) {
                    throw new TaskFileException(file, "task " + (i + 1) + " of " + nTask + ": its offset " + at
                            + " is past the end of the file");
                }
                tasks.add(task(file, in.position((int) at), i, nTask));
            }
        }
        return tasks;
    }

    private static MultipleChoiceTask task(Path file, ByteBuffer in, int index, long nTask) throws IOException {
        String where = "task " + (index + 1) + " of " + nTask;
        try {
            String question = string(in);
            List<String> answers = new ArrayList<>();
            int[] labels = answerSet(in, answers);
            answerSet(in, new ArrayList<>()); // the multiple-answer set, not scored
            if (question.isEmpty() || answers.isEmpty()) {
                throw new TaskFileException(file, where + " has an empty question or no answers");
            }
            if (answers.contains("")) {
                throw new TaskFileException(file, where + " has an empty answer");
            }
            return new MultipleChoiceTask(index + 1, question, List.copyOf(answers), labels);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new TaskFileException(file, where + " is cut short or damaged");
        } catch (CharacterCodingException e) {
            throw new TaskFileException(file, where + " holds text that is not UTF-8");
        }
    }

    /** Reads a set's answers into {@code answers} and returns its labels. */
    private static int[] answerSet(ByteBuffer in, List<String> answers) throws CharacterCodingException {
        int n = in.getInt();
        if (Integer.compareUnsigned(n, MAX_ANSWERS) > 0) {
            throw new IllegalArgumentException("more than " + MAX_ANSWERS + " answers");
        }
        for (int i = 0; i < n; i++) {
            answers.add(string(in));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = in.getInt();
        }
        return labels;
    }

    private static String string(ByteBuffer in) throws CharacterCodingException {
        int size = in.getInt();
        if (Integer.toUnsignedLong(size) > in.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer bytes = in.slice(in.position(), size);
        in.position(in.position() + size);
        return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
    }
}
