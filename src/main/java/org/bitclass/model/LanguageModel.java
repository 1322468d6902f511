package org.bitclass.model;

/** A loaded model that turns token ids into next-token logits. Close it to unmap its file and stop its threads. */
public interface LanguageModel extends AutoCloseable {

    int vocabSize();

    /** The context length the model was trained with ({@code <arch>.context_length}). */
    int contextLength();

    /** A new sequence with room for {@code capacity} tokens of cache. */
    Session newSession(int capacity);

    /** Sets (or clears, with null) the observer of matrix-multiplication inputs. */
    void setObserver(ActivationObserver observer);

    @Override
    void close();
}
