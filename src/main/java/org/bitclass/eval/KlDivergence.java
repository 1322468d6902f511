package org.bitclass.eval;

import java.util.OptionalInt;

/** llama-perplexity's KL-divergence mode: the model against the log-probabilities stored in a kld-base file. */
public final class KlDivergence {

    /** Told after each chunk: its 1-based number and the statistics so far. */
    @FunctionalInterface
    public interface Progress {
        void chunkDone(int chunk, KldAccumulator soFar);
    }

    private KlDivergence() {
    }

    /**
     * Evaluates the base file's first {@code nChunk} chunks (at most all it has; the first token of each replaced by
     * {@code bos} if present).
     */
    public static KldAccumulator measure(LogitsSource model, KldBaseReader base, int nChunk, OptionalInt bos,
                                         Progress progress) {
        if (model.vocabSize() != base.nVocab()) {
            throw new IllegalArgumentException(base.path() + " was written for a vocabulary of " + base.nVocab()
                    + " tokens; the model has " + model.vocabSize());
        }
        EvalChunks chunks = new EvalChunks(base.tokens(), base.nCtx(), Math.min(nChunk, base.nChunk()), bos);
        QuantizedLogProbs record = new QuantizedLogProbs(base.nVocab());
        KldAccumulator kld = new KldAccumulator(Math.toIntExact(chunks.scoredTotal()));
        ChunkRunner.run(model, chunks, (logits, offset, next) -> {
            base.read(record);
            kld.add(logits, offset, record, next);
        }, chunk -> progress.chunkDone(chunk, kld));
        return kld;
    }
}
