package org.bitclass.calib;

import org.bitclass.model.ActivationObserver;
import org.bitclass.quant.Imatrix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects the inputs of the model's weight matrices as llama-imatrix does: every matrix of a block
 * ({@code blk.*}), and the output head only when asked ({@code output.weight}, or {@code token_embd.weight} when the
 * embedding doubles as the head; the embedding lookup itself is no matrix product, so only the head use is seen).
 */
final class ImatrixCollector implements ActivationObserver {

    private static final String OUTPUT = "output.weight";
    private static final String TIED_OUTPUT = "token_embd.weight";

    private final boolean processOutput;
    private final boolean withSums;
    private final Map<String, ColumnStats> stats = new LinkedHashMap<>();
    private boolean collecting = true;

    /**
     * @param processOutput also collect the output head
     * @param withSums      also keep the per-column sums of the inputs (for their mean)
     */
    ImatrixCollector(boolean processOutput, boolean withSums) {
        this.processOutput = processOutput;
        this.withSums = withSums;
    }

    /** Turns collection off for the passes llama-imatrix ignores (micro-batches of fewer than 16 tokens). */
    void collecting(boolean on) {
        this.collecting = on;
    }

    private boolean collects(String tensorName) {
        return tensorName.startsWith("blk.")
                || (processOutput && (tensorName.equals(OUTPUT) || tensorName.equals(TIED_OUTPUT)));
    }

    @Override
    public void onMatMulInput(String tensorName, float[] x, int nTokens, int dim) {
        if (!collecting || !collects(tensorName)) {
            return;
        }
        ColumnStats s = stats.computeIfAbsent(tensorName, n -> new ColumnStats(dim, withSums));
        if (s.columns() != dim) {
            throw new IllegalStateException(tensorName + " received inputs of " + dim + " values after " + s.columns());
        }
        s.add(x, nTokens);
        if (!s.finite()) {
            throw new IllegalStateException("the squared inputs of " + tensorName
                    + " no longer sum to a finite number (the model produced infinite or NaN activations)");
        }
    }

    /** Rows seen by the matrix that saw the most (llama-imatrix counts chunks from it). */
    long maxRows() {
        return stats.values().stream().mapToLong(ColumnStats::rows).max().orElse(0);
    }

    Map<String, Imatrix.Entry> entries() {
        Map<String, Imatrix.Entry> out = new LinkedHashMap<>();
        stats.forEach((name, s) -> out.put(name, s.toEntry()));
        return out;
    }
}
