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

    /** Fails unless the base file was written for a vocabulary of {@code nVocab} tokens. */
    public static void checkVocabulary(int nVocab, KldBaseReader base) {
        if (nVocab != base.nVocab()) {
            throw new IllegalArgumentException(base.path() + " was written for a vocabulary of " + base.nVocab()
                    + " tokens; the model has " + nVocab);
        }
    }

    /**
     * Evaluates the base file's first {@code nChunk} chunks (at most all it has; the first token of each replaced by
     * {@code bos} if present).
     */
    public static KldAccumulator measure(LogitsSource model, KldBaseReader base, int nChunk, OptionalInt bos,
                                         Progress progress) {
        checkVocabulary(model.vocabSize(), base);
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
