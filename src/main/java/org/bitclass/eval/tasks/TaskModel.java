package org.bitclass.eval.tasks;

import org.bitclass.eval.EvalText;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Session;
import org.bitclass.tokenizer.Tokenizer;

/**
 * The model as the task scorers use it: texts tokenized as llama-perplexity tokenizes them, and a context window of
 * four sequences of {@code -c} tokens, the room llama-perplexity gives a task's choices.
 */
public final class TaskModel {

    /** llama-perplexity runs the task modes with at least four parallel sequences of {@code -c} tokens each. */
    private static final int SEQUENCES = 4;

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final int window;
    private final Session session;

    public TaskModel(LanguageModel model, Tokenizer tokenizer, int nCtx) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.window = window(nCtx);
        this.session = model.newSession(window);
    }

    /** The window for {@code -c nCtx}, in tokens: the context the model is run with. */
    public static int window(int nCtx) {
        return SEQUENCES * nCtx;
    }

    /** Tokenizes each choice's full text and checks the task fits; {@code task} is its number in the file. */
    ChoiceTokens prepare(int task, String... texts) {
        int[][] sequences = new int[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            sequences[i] = tokenize(texts[i]);
        }
        return ChoiceTokens.of(task, sequences, window);
    }

    int[] tokenize(String text) {
        return EvalText.tokenize(tokenizer, text);
    }

    TaskLogits evaluate(ChoiceTokens task) {
        return TaskLogits.evaluate(session, model.vocabSize(), task);
    }
}
