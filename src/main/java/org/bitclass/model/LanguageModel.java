package org.bitclass.model;

import java.util.List;

/** A loaded model that turns token ids into next-token logits. Close it to unmap its file and stop its threads. */
public interface LanguageModel extends AutoCloseable {

    int vocabSize();

    /** The context length the model was trained with ({@code <arch>.context_length}). */
    int contextLength();

    /** A new sequence with room for {@code capacity} tokens of cache. */
    Session newSession(int capacity);

    /** Most tokens {@link #forwardBatch} takes in one call. */
    int MAX_BATCH_TOKENS = Ubatches.MAX_BATCH;

    /**
     * Evaluates the parts of several distinct sessions of this model, each as {@link Session#forward} with
     * {@link Session.Outputs#LAST} would, and returns each part's last logits {@code [n_vocab]} in order.
     * Architectures that can batch them do so in one pass over the weights; this default runs them in turn.
     * At most {@link #MAX_BATCH_TOKENS} tokens in all.
     */
    default float[][] forwardBatch(List<BatchPart> parts) {
        float[][] logits = new float[parts.size()][];
        for (int i = 0; i < logits.length; i++) {
            BatchPart part = parts.get(i);
            logits[i] = part.session().forward(part.tokens(), part.startPos(), Session.Outputs.LAST);
        }
        return logits;
    }

    /** Number of blocks (layers) in the main stack. */
    int layerCount();

    /**
     * Runs {@code tokens} (at most 512) as one fresh sequence and returns the residual stream entering each block,
     * {@code [n_layer][T × n_embd]}.
     */
    float[][] blockInputs(int[] tokens);

    /**
     * All logits {@code [T × n_vocab]} of {@code tokens} as one fresh sequence, computed from block {@code block} on
     * with {@code input} (from {@link #blockInputs}, possibly of another model) as the stream entering it.
     */
    float[] logitsFrom(int[] tokens, int block, float[] input);

    /** Sets (or clears, with null) the observer of matrix-multiplication inputs. */
    void setObserver(ActivationObserver observer);

    @Override
    void close();
}
