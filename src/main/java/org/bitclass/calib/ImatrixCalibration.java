package org.bitclass.calib;

import org.bitclass.eval.LogSoftmax;
import org.bitclass.eval.NllAccumulator;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.model.Session;
import org.bitclass.quant.Imatrix;
import org.bitclass.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Computes an importance matrix the way {@code llama-imatrix} does: the text is tokenized (BOS first if the
 * vocabulary asks for it), cut into chunks of {@code n_ctx} tokens, and each chunk is evaluated from an empty cache
 * with BOS as its first token, in llama.cpp's batch order ({@link BatchSchedule}). Every weight-matrix input adds its
 * squared values to per-column sums; the perplexity of the second half of each chunk is reported as it goes.
 * Memory does not grow with the text: tokens are read chunk by chunk (the text is tokenized twice, first to count
 * the chunks) and the statistics are per column.
 */
public final class ImatrixCalibration {

    /**
     * @param contextSize   tokens per chunk ({@code -c})
     * @param maxChunks     at most this many chunks, or all when negative ({@code --chunks})
     * @param processOutput also collect the output head ({@code --process-output})
     * @param withInputSums also keep the per-column sums of the inputs ({@code <name>.in_sum})
     * @param parseSpecial  recognise special-token text in the calibration text ({@code --parse-special})
     */
    public record Options(int contextSize, int maxChunks, boolean processOutput, boolean withInputSums,
                          boolean parseSpecial) {
        public static Options defaults() {
            return new Options(512, -1, false, false, false);
        }
    }

    /** Told about progress, from the calculating thread. */
    public interface Listener {
        /** Before the first chunk: how many chunks will be evaluated, and in what batches. */
        default void started(int chunks, BatchSchedule schedule) {
        }

        /** After each chunk (in order): the perplexity over all chunks so far. */
        default void chunkDone(int chunk, double runningPerplexity) {
        }
    }

    /** The importance matrix, and the perplexity of the scored halves of the chunks (as llama-imatrix prints it). */
    public record Result(Imatrix imatrix, int chunks, long tokens, double perplexity, double perplexityError) {
    }

    private ImatrixCalibration() {
    }

    /**
     * @param datasetName how the text is recorded in the imatrix ({@code imatrix.datasets}); llama-imatrix records
     *                    the {@code -f} argument as given
     */
    public static Result run(Path modelPath, Path text, String datasetName, Options options, int threads,
                             Listener listener) throws IOException {
        int nCtx = options.contextSize();
        Tokenizer tokenizer;
        BatchSchedule schedule;
        try (GgufFile file = GgufFile.open(modelPath)) {
            tokenizer = Tokenizer.fromMetadata(file.metadata());
            schedule = new BatchSchedule(nCtx, hasRecurrentLayers(file.metadata()));
        }
        long nTokens;
        try (TextTokens tokens = new TextTokens(text, tokenizer, options.parseSpecial())) {
            nTokens = TokenChunks.countTokens(tokens);
        }
        if (nTokens < 2L * nCtx) {
            throw new IllegalArgumentException("the text has " + nTokens + " tokens; a context of " + nCtx
                    + " needs at least " + 2L * nCtx + " (as llama-imatrix requires)");
        }
        long available = nTokens / nCtx;
        int nChunks = (int) (options.maxChunks() < 0 ? available : Math.min(options.maxChunks(), available));
        if (nChunks < 1) {
            throw new IllegalArgumentException("--chunks must be at least 1");
        }

        ImatrixCollector collector = new ImatrixCollector(options.processOutput(), options.withInputSums());
        NllAccumulator total = new NllAccumulator();
        int nSeq = Math.min(schedule.sequences(), nChunks);
        listener.started(nChunks, schedule);
        try (LanguageModel model = Models.open(modelPath, threads);
             TokenChunks chunks = new TokenChunks(new TextTokens(text, tokenizer, options.parseSpecial()), nCtx, tokenizer)) {
            model.setObserver(collector);
            Session[] sessions = new Session[nSeq];
            for (int s = 0; s < nSeq; s++) {
                sessions[s] = model.newSession(nCtx);
            }
            for (int first = 0; first < nChunks; first += nSeq) {
                int inGroup = Math.min(nSeq, nChunks - first);
                int[][] group = new int[inGroup][];
                for (int s = 0; s < inGroup; s++) {
                    group[s] = chunks.next();
                }
                NllAccumulator[] scored = evaluateGroup(model, sessions, group, schedule, collector);
                for (int s = 0; s < inGroup; s++) {
                    total.add(scored[s]);
                    listener.chunkDone(first + s + 1, total.ppl());
                }
            }
        }
        Imatrix imatrix = Imatrix.of(collector.entries(), List.of(datasetName),
                (int) (collector.maxRows() / nCtx), nCtx);
        if (imatrix.entryCount() == 0) {
            throw new IllegalStateException("the model has no weight matrices the imatrix collects (blk.*)");
        }
        return new Result(imatrix, nChunks, (long) nChunks * nCtx, total.ppl(), total.pplError().orElse(Double.NaN));
    }

    /** Evaluates a group of chunks as llama-imatrix's parallel sequences; returns each chunk's scored positions. */
    private static NllAccumulator[] evaluateGroup(LanguageModel model, Session[] sessions, int[][] group,
                                              BatchSchedule schedule, ImatrixCollector collector) {
        int nVocab = model.vocabSize();
        int nCtx = group[0].length;
        int firstScored = nCtx / 2;
        NllAccumulator[] scored = new NllAccumulator[group.length];
        for (int s = 0; s < group.length; s++) {
            sessions[s].reset();
            scored[s] = new NllAccumulator();
        }
        for (BatchSchedule.Ubatch ubatch : schedule.group(group.length)) {
            collector.collecting(ubatch.collected());
            for (BatchSchedule.Slice slice : ubatch.slices()) {
                int[] chunk = group[slice.seq()];
                float[] logits = sessions[slice.seq()].forward(Arrays.copyOfRange(chunk, slice.from(), slice.to()),
                        slice.from(), Session.Outputs.ALL);
                // position i predicts token i + 1; the second half of the chunk is scored
                for (int i = Math.max(slice.from(), firstScored); i < Math.min(slice.to(), nCtx - 1); i++) {
                    scored[slice.seq()].add(LogSoftmax.negLogProb(logits, (i - slice.from()) * nVocab, nVocab, chunk[i + 1]));
                }
            }
        }
        collector.collecting(true);
        return scored;
    }

    /** Models with recurrent state (Mamba-style layers, e.g. qwen35's DeltaNet) declare an SSM convolution. */
    static boolean hasRecurrentLayers(GgufMetadata metadata) {
        return metadata.contains(metadata.architecture() + ".ssm.conv_kernel");
    }
}
