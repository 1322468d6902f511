package org.bitclass.eval.tasks;

import java.util.Arrays;

/**
 * One task ready for scoring: the token sequence of each choice (context and choice text tokenized together) and how
 * many leading tokens all of them share. llama-perplexity evaluates the shared tokens once and each choice after them.
 */
record ChoiceTokens(int[][] sequences, int commonPrefix) {

    /**
     * @param task       the task's 1-based number in its file, for messages
     * @param maxTokens  the context window: the shared tokens plus every choice's own tokens must fit in it
     */
    static ChoiceTokens of(int task, int[][] sequences, int maxTokens) {
        int shortest = Arrays.stream(sequences).mapToInt(s -> s.length).min().orElseThrow();
        int common = 0;
        while (common < shortest && sameAt(sequences, common)) {
            common++;
        }
        // llama-perplexity reads out of bounds (or takes another task's logits) in both cases
        if (common == 0) {
            throw new IllegalArgumentException("task " + task + ": its choices share no first token, so there is no"
                    + " shared context to score them after");
        }
        if (common == shortest) {
            throw new IllegalArgumentException("task " + task + ": a choice adds no token to the tokens all choices"
                    + " share, so it cannot be scored");
        }
        int required = common;
        for (int[] s : sequences) {
            required += s.length - common;
        }
        if (required > maxTokens) {
            throw new IllegalArgumentException("task " + task + " does not fit in the context window (requires "
                    + required + " tokens, the window holds " + maxTokens + "); raise -c");
        }
        return new ChoiceTokens(sequences, common);
    }

    private static boolean sameAt(int[][] sequences, int k) {
        for (int[] s : sequences) {
            if (s[k] != sequences[0][k]) {
                return false;
            }
        }
        return true;
    }

    int length(int choice) {
        return sequences[choice].length;
    }

    int token(int choice, int position) {
        return sequences[choice][position];
    }

    int choices() {
        return sequences.length;
    }
}
