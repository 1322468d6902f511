package org.bitclass.eval;

/**
 * llama-perplexity's default measurement: the perplexity of the second half of every chunk. Optionally writes the
 * kld-base file of the run (the quantized log-probabilities of every scored token) for later comparisons.
 */
public final class Perplexity {

    /** Told after each chunk: its 1-based number and the perplexity so far. */
    @FunctionalInterface
    public interface Progress {
        void chunkDone(int chunk, double runningPpl);
    }

    private Perplexity() {
    }

    public static NllAccumulator measure(LogitsSource model, EvalChunks chunks, Progress progress) {
        int nVocab = model.vocabSize();
        NllAccumulator nll = new NllAccumulator();
        ChunkRunner.run(model, chunks,
                (logits, offset, next) -> nll.add(LogSoftmax.negLogProb(logits, offset, nVocab, next)),
                chunk -> progress.chunkDone(chunk, nll.ppl()));
        return nll;
    }

    /**
     * Measures as {@link #measure} and streams every token's quantized log-probabilities to {@code base}, whose header
     * must describe {@code chunks}. The per-token nll is then llama.cpp's float variant, as in its writer.
     */
    public static NllAccumulator measureWritingBase(LogitsSource model, EvalChunks chunks, KldBaseWriter base,
                                                    Progress progress) {
        QuantizedLogProbs record = new QuantizedLogProbs(model.vocabSize());
        NllAccumulator nll = new NllAccumulator();
        ChunkRunner.run(model, chunks, (logits, offset, next) -> {
            nll.add(record.encode(logits, offset, next));
            base.write(record);
        }, chunk -> progress.chunkDone(chunk, nll.ppl()));
        return nll;
    }
}
