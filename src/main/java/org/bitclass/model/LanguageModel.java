package org.bitclass.model;

/** A loaded model that turns token ids into next-token logits. Close it to unmap its file and stop its threads. */
public interface LanguageModel extends AutoCloseable {

    int vocabSize();

    /** The context length the model was trained with ({@code <arch>.context_length}). */
    int contextLength();

    /** A new sequence with room for {@code capacity} tokens of cache. */
    Session newSession(int capacity);

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
