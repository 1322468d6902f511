package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.eval.CFormat;
import org.bitclass.eval.EvalChunks;
import org.bitclass.eval.EvalText;
import org.bitclass.eval.KlDivergence;
import org.bitclass.eval.KldAccumulator;
import org.bitclass.eval.KldBaseReader;
import org.bitclass.eval.KldBaseWriter;
import org.bitclass.eval.KldReport;
import org.bitclass.eval.KldStatistics;
import org.bitclass.eval.ModelLogits;
import org.bitclass.eval.NllAccumulator;
import org.bitclass.eval.Perplexity;
import org.bitclass.eval.PerplexityReport;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.tokenizer.Tokenizer;
import org.bitclass.io.OutputFile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code bitclass perplexity}: llama-perplexity's perplexity and KL-divergence measurements, with its printouts. */
@Command(name = "perplexity",
        header = "Measure perplexity and KL divergence, like llama-perplexity.", mixinStandardHelpOptions = true,
        description = "Measure a model's perplexity on a text as llama-perplexity does: chunks of -c tokens, each"
                + " scored on its second half. With --kld-base, also save the model's token probabilities; with --kld,"
                + " compare another model (a quantization) with such a file: KL divergence, Δp, same top token.",
        footer = {"", "Examples:",
                "  bitclass perplexity model.gguf -f wiki.test.raw",
                "  bitclass perplexity model-f16.gguf -f wiki.test.raw --kld-base base.bin",
                "  bitclass perplexity model-q4_k_m.gguf --kld base.bin",
                "  bitclass perplexity -m model-q4_k_m.gguf --kl-divergence-base base.bin \\",
                "      --kl-divergence"})
public final class PerplexityCommand implements Callable<Integer> {

    private static final int DEFAULT_CTX = 512;

    @Mixin
    ModelArgument modelArgument;

    @Option(names = {"-f", "--file"}, paramLabel = "TEXT",
            description = "the text (UTF-8); with --kld optional, and then checked against the base file's tokens")
    Path text;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N",
            description = "tokens per chunk (default " + DEFAULT_CTX + "; with --kld: the base file's)")
    Integer nCtx;

    @Option(names = "--chunks", paramLabel = "N", defaultValue = "-1",
            description = "evaluate at most N chunks (default: all)")
    int chunks;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: available processors)")
    Integer threads;

    @ArgGroup(exclusive = true)
    BaseFile base;

    static final class BaseFile {
        @Option(names = {"--kld-base", "--kl-divergence-base"}, paramLabel = "FILE",
                description = "write the model's log-probabilities of every scored token to FILE (llama.cpp's"
                        + " --kl-divergence-base format)")
        Path write;

        @Option(names = "--kld", paramLabel = "FILE",
                description = "compare the model with the log-probabilities in FILE (written with --kld-base here or"
                        + " by llama-perplexity)")
        Path read;
    }

    @Option(names = "--kl-divergence", description = "llama-perplexity's form of --kld: compare with the"
            + " --kl-divergence-base FILE instead of writing it")
    boolean klDivergence;

    private Path model;
    private Path baseToWrite;
    private Path baseToRead;

    @Override
    public Integer call() throws IOException {
        if (nCtx != null) {
            OptionChecks.atLeast("--ctx-size", nCtx, 3);
        }
        OptionChecks.allOrAtLeast("--chunks", chunks, 1, "all");
        if (threads != null) {
            OptionChecks.atLeast("--threads", threads, 1);
        }
        model = modelArgument.path();
        baseToWrite = base == null ? null : base.write;
        baseToRead = base == null ? null : base.read;
        if (klDivergence) {
            if (baseToWrite == null) {
                throw new UsageError("--kl-divergence compares with the file of --kl-divergence-base FILE: give it");
            }
            baseToRead = baseToWrite;
            baseToWrite = null;
        }
        if (baseToWrite != null) {
            OutputFile.check(baseToWrite, model, text);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Tokenizer tokenizer = Tokenizer.open(model);
        OptionalInt bos = EvalText.chunkStart(tokenizer);
        if (baseToRead != null) {
            compare(out, tokenizer, bos);
        } else {
            measure(out, tokenizer, bos);
        }
        out.flush();
        return 0;
    }

    private void measure(PrintStream out, Tokenizer tokenizer, OptionalInt bos) throws IOException {
        if (text == null) {
            throw new IllegalArgumentException("give the text to evaluate with -f TEXT");
        }
        int ctx = nCtx != null ? nCtx : DEFAULT_CTX;
        EvalChunks evalChunks = EvalChunks.of(EvalText.tokenize(tokenizer, EvalText.read(text)), ctx, chunks, bos);
        try (LanguageModel lm = open(ctx)) {
            ModelLogits logits = new ModelLogits(lm, ctx);
            StringBuilder running = new StringBuilder();
            NllAccumulator nll;
            info("calculating perplexity over " + evalChunks.nChunk() + " chunks, n_ctx=" + ctx);
            try (ProgressBar bar = Progress.bar("perplexity", evalChunks.nChunk(), "chunks")) {
                Perplexity.Progress progress = (chunk, ppl) -> {
                    running.append(PerplexityReport.chunkEntry(chunk, ppl));
                    bar.setExtraMessage(" PPL " + CFormat.fixed(ppl, 4));
                    bar.step();
                };
                if (baseToWrite != null) {
                    try (KldBaseWriter writer = KldBaseWriter.create(baseToWrite, evalChunks, lm.vocabSize())) {
                        nll = Perplexity.measureWritingBase(logits, evalChunks, writer, progress);
                        writer.commit();
                    }
                } else {
                    nll = Perplexity.measure(logits, evalChunks, progress);
                }
            }
            out.println(running);
            out.println(PerplexityReport.finalLine(nll));
        }
    }

    private void compare(PrintStream out, Tokenizer tokenizer, OptionalInt bos) throws IOException {
        try (KldBaseReader reader = KldBaseReader.open(baseToRead)) {
            if (nCtx != null && nCtx != reader.nCtx()) {
                throw new IllegalArgumentException(baseToRead + " was computed with -c " + reader.nCtx()
                        + "; leave out -c or give -c " + reader.nCtx());
            }
            if (text != null) {
                checkSameText(tokenizer, reader);
            }
            int nChunk = chunks < 0 ? reader.nChunk() : Math.min(chunks, reader.nChunk());
            try (LanguageModel lm = open(reader.nCtx())) {
                KlDivergence.checkVocabulary(lm.vocabSize(), reader);
                info("computing over " + nChunk + " chunks, n_ctx=" + reader.nCtx());
                StringBuilder table = new StringBuilder(KldReport.chunkHeader()).append('\n');
                KldAccumulator kld;
                try (ProgressBar bar = Progress.bar("kl-divergence", nChunk, "chunks")) {
                    kld = KlDivergence.measure(new ModelLogits(lm, reader.nCtx()), reader, nChunk, bos, (chunk, soFar) -> {
                        KldStatistics s = soFar.statistics();
                        table.append(KldReport.chunkLine(chunk, s)).append('\n');
                        bar.setExtraMessage(" PPL " + CFormat.fixed(s.ppl().value(), 4) + ", KLD "
                                + CFormat.fixed(s.kld().value(), 6));
                        bar.step();
                    });
                }
                out.println(table);
                if (kld.count() < KldReport.MIN_TOKENS_FOR_SUMMARY) {
                    info("only " + kld.count() + " tokens scored: too few for statistics");
                    return;
                }
                out.print(KldReport.summary(kld.statistics(), kld.kldDistribution(), kld.pDiffDistribution()));
            }
        }
    }

    /** With --kld and -f: the base file must hold the text's first tokens. */
    private void checkSameText(Tokenizer tokenizer, KldBaseReader reader) throws IOException {
        int[] ours = EvalText.tokenize(tokenizer, EvalText.read(text));
        int[] theirs = reader.tokens();
        if (ours.length < theirs.length || !Arrays.equals(ours, 0, theirs.length, theirs, 0, theirs.length)) {
            throw new IllegalArgumentException(baseToRead + " was computed on another text (or vocabulary) than " + text);
        }
    }

    private LanguageModel open(int ctx) throws IOException {
        LanguageModel lm = Models.open(model, threads != null ? threads : Models.defaultThreads());
        if (ctx > lm.contextLength()) {
            info("warning: the model was trained on only " + lm.contextLength() + " context tokens (" + ctx
                    + " specified)");
        }
        return lm;
    }

    private static void info(String line) {
        System.err.println("perplexity: " + line);
    }
}
