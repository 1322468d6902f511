package org.bitclass.eval.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * A text task file split into lines as llama-perplexity splits it: the file as {@code -f} reads it (one trailing
 * newline dropped, {@link org.bitclass.eval.EvalText#read}), then {@code std::getline} on {@code '\n'}, so a
 * carriage return stays part of its line.
 */
final class TaskLines {

    private TaskLines() {
    }

    /** Every line, the last one included whether or not a newline ends it (HellaSwag's loop). */
    static List<String> all(String text) {
        List<String> lines = terminated(text);
        String tail = unterminated(text);
        if (!tail.isEmpty()) {
            lines.add(tail);
        }
        return lines;
    }

    /**
     * Only the lines a newline ends (WinoGrande's loop stops at end of file before using what it read). As {@code -f}
     * drops the file's final newline, the file's last line is never read unless an empty line follows it.
     */
    static List<String> terminated(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            lines.add(text.substring(start, end));
            start = end + 1;
        }
        return lines;
    }

    /** What follows the last newline. */
    static String unterminated(String text) {
        return text.substring(text.lastIndexOf('\n') + 1);
    }
}
