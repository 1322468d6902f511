package org.bitclass.model;

/**
 * A session of a model with recurrent layers (qwen35). Its state summarises every token seen so far, so it cannot
 * rewind to an earlier position by recomputing from there: {@link #forward} accepts only the current position or 0
 * (which starts over). To branch a sequence, {@link #save} its state and {@link #restore} it later, into this
 * session or into another session of the same model.
 */
public interface RecurrentSession extends Session {

    /** A saved sequence state; independent of the session it came from. */
    interface State {
        /** Number of tokens the state covers. */
        int position();
    }

    /** Copies the whole sequence state (recurrent state and attention cache) at the current position. */
    State save();

    /**
     * Continues from {@code state}, which must come from a session of the same model and fit this session's
     * capacity. The saved state stays valid and can be restored again.
     */
    void restore(State state);
}
