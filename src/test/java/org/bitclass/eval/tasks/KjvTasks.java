package org.bitclass.eval.tasks;

import org.bitclass.testutil.SharedData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Small task files for the tests, made from clauses of the KJV test text (we ship no task data): the right choice
 * is a clause's own continuation, the others come from other clauses.
 */
public final class KjvTasks {

    private static final List<String[]> CLAUSES = clauses();

    private KjvTasks() {
    }

    private static List<String[]> clauses() {
        try {
            String text = Files.readString(SharedData.path("corpus/kjv-test.txt"));
            return Arrays.stream(text.split("[;:.?]\\s"))
                    .filter(c -> !c.contains("="))
                    .map(c -> c.strip().split("\\s+"))
                    .filter(w -> w.length >= 14)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String words(int clause, int from, int to) {
        return String.join(" ", Arrays.copyOfRange(CLAUSES.get(clause), from, to));
    }

    /** {@code n} HellaSwag tasks in llama-perplexity's six-line layout; the gold ending cycles through 0-3. */
    public static String hellaswag(int n) {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < n; i++) {
            List<String> endings = new ArrayList<>();
            for (int k = 1; k <= 3; k++) {
                endings.add(words(i + 10 * k, 8, 14));
            }
            endings.add(i % 4, words(i, 8, 14));
            file.append(words(i, 0, 8)).append('\n').append(i % 4).append('\n');
            endings.forEach(e -> file.append(e).append('\n'));
        }
        return file.toString();
    }

    /**
     * A WinoGrande CSV of {@code n} tasks after a header line (which llama-perplexity skips), ended by an empty line
     * so that its last task is read; sentences holding commas are quoted.
     */
    public static String winogrande(int n) {
        StringBuilder file = new StringBuilder("index,sentence,option1,option2,answer\n");
        for (int i = 0; i < n; i++) {
            String[] w = Arrays.copyOf(CLAUSES.get(40 + i), 13);
            String right = w[5].replaceAll("\\W", "");
            String other = CLAUSES.get(60 + i)[3].replaceAll("\\W", "");
            w[5] = w[5].replace(right, "_");
            String sentence = String.join(" ", w);
            int answer = i % 2 + 1;
            file.append(i).append(',').append(sentence.contains(",") ? '"' + sentence + '"' : sentence).append(',')
                    .append(answer == 1 ? right : other).append(',').append(answer == 1 ? other : right)
                    .append(',').append(answer).append('\n');
        }
        return file.append('\n').toString();
    }

    /** {@code n} multiple-choice tasks with two to five answers each. */
    public static List<MultipleChoiceTask> multipleChoice(int n) {
        List<MultipleChoiceTask> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int answers = 2 + i % 4;
            List<String> texts = new ArrayList<>();
            for (int k = 1; k < answers; k++) {
                texts.add(words(80 + i + 12 * k, 8, 13));
            }
            texts.add(i % answers, words(80 + i, 8, 13));
            int[] labels = new int[answers];
            labels[i % answers] = 1;
            tasks.add(new MultipleChoiceTask(i + 1, words(80 + i, 0, 8), List.copyOf(texts), labels));
        }
        return tasks;
    }

    /** llama-perplexity's binary multiple-choice file of {@code tasks}; the multiple-answer sets are empty. */
    public static byte[] multipleChoiceFile(List<MultipleChoiceTask> tasks) {
        List<byte[]> bodies = new ArrayList<>();
        for (MultipleChoiceTask t : tasks) {
            ByteBuffer body = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            putString(body, t.question());
            body.putInt(t.answers().size());
            t.answers().forEach(a -> putString(body, a));
            Arrays.stream(t.labels()).forEach(body::putInt);
            body.putInt(0);
            bodies.add(Arrays.copyOf(body.array(), body.position()));
        }
        int size = Integer.BYTES * (1 + tasks.size()) + bodies.stream().mapToInt(b -> b.length).sum();
        ByteBuffer file = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(tasks.size());
        int offset = Integer.BYTES * (1 + tasks.size());
        for (byte[] b : bodies) {
            file.putInt(offset);
            offset += b.length;
        }
        bodies.forEach(file::put);
        return file.array();
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(bytes.length).put(bytes);
    }
}
