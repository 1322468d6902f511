package org.bitclass.eval;

import java.util.function.IntConsumer;

/** Runs the model over every chunk and hands each scored position's logits, with the token that follows, to a scorer. */
final class ChunkRunner {

    /** Scores one position: its logits row and the token actually found after it. */
    @FunctionalInterface
    interface Scorer {
        void score(float[] logits, int offset, int nextToken);
    }

    private ChunkRunner() {
    }

    /** {@code chunkDone} receives the 1-based number of each finished chunk. */
    static void run(LogitsSource model, EvalChunks chunks, Scorer scorer, IntConsumer chunkDone) {
        int first = chunks.first();
        int last = chunks.nCtx() - 1; // the last position has no next token in the chunk
        int[] tokens = chunks.tokens();
        for (int c = 0; c < chunks.nChunk(); c++) {
            int start = c * chunks.nCtx();
            int[] expectedPosition = {first};
            model.evaluate(chunks.chunk(c), first, last, (position, logits, offset) -> {
                if (position != expectedPosition[0]++) {
                    throw new IllegalStateException("the model returned position " + position + " out of order");
                }
                scorer.score(logits, offset, tokens[start + position + 1]);
            });
            if (expectedPosition[0] != last) {
                throw new IllegalStateException("the model returned " + (expectedPosition[0] - first)
                        + " logit rows, " + (last - first) + " expected");
            }
            chunkDone.accept(c + 1);
        }
    }
}
