package org.bitclass.release;

/** Hears how a release run goes: stages as they start and end, and the steps within them. */
public interface ReleaseListener {

    /** A part of the current stage with {@code steps} steps begins (a stage may have several). */
    void phase(String name, long steps, String unit);

    void step(String detail);

    /**
     * Stage {@code index} ended: run for {@code seconds}, or found finished in the folder ({@code cached});
     * {@code remainingSeconds} estimates the rest of the run.
     */
    void finished(int index, int total, String label, double seconds, boolean cached, double remainingSeconds);
}
