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
import org.bitclass.eval.tasks.HellaSwag;
import org.bitclass.eval.tasks.TaskKind;
import org.bitclass.eval.tasks.TaskModel;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code bitclass perplexity}: llama-perplexity's perplexity and KL-divergence measurements, with its printouts. */
@Command(name = "perplexity",
        header = "Measure perplexity, KL divergence and downstream scores, like llama-perplexity.",
        mixinStandardHelpOptions = true,
        description = {"Measure a model's perplexity on a text as llama-perplexity does: chunks of -c tokens, each"
                + " scored on its second half. With --kld-base, also save the model's token probabilities; with --kld,"
                + " compare another model (a quantization) with such a file: KL divergence, Δp, same top token.",
                "With --hellaswag, --winogrande or --multiple-choice, score the tasks of the -f file (in the format"
                + " llama-perplexity reads for that option) as llama-perplexity does. Fewer tasks than the file holds"
                + " are drawn at random exactly as a Linux (libstdc++) build of llama-perplexity draws them; HellaSwag"
                + " tasks always come in that random order. A task's choices must fit in 4 × -c tokens."},
        footer = {"", "Examples:",
                "  bitclass perplexity model.gguf -f wiki.test.raw",
                "  bitclass perplexity model-f16.gguf -f wiki.test.raw --kld-base base.bin",
                "  bitclass perplexity model-q4_k_m.gguf --kld base.bin",
                "  bitclass perplexity -m model-q4_k_m.gguf --kl-divergence-base base.bin \\",
                "      --kl-divergence",
                "  bitclass perplexity model.gguf --hellaswag -f hellaswag_val_full.txt --hellaswag-tasks 400",
                "  bitclass perplexity model.gguf --winogrande -f winogrande-debiased-eval.csv",
                "  bitclass perplexity model.gguf --multiple-choice -f arc-easy-validation.bin"})
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

    @Mixin
    FloatBatchesOption floatBatches;

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

    @Option(names = "--hellaswag", description = "score the HellaSwag tasks of -f (6 lines per task)")
    boolean hellaswag;

    @Option(names = "--hellaswag-tasks", paramLabel = "N", defaultValue = "" + HellaSwag.DEFAULT_TASKS,
            description = "HellaSwag tasks to score (default: ${DEFAULT-VALUE}, llama-perplexity's)")
    int hellaswagTasks;

    @Option(names = "--winogrande", description = "score the WinoGrande tasks of -f (CSV lines of index, sentence, two"
            + " choices, answer; as by llama-perplexity, the last line is read only if an empty line follows it)")
    boolean winogrande;

    @Option(names = "--winogrande-tasks", paramLabel = "N", defaultValue = "0",
            description = "WinoGrande tasks to score (default: 0, all)")
    int winograndeTasks;

    @Option(names = "--multiple-choice", description = "score the multiple-choice tasks of -f (llama-perplexity's"
            + " binary format; llama-perplexity also needs -np at least the most answers of a task, this does not)")
    boolean multipleChoice;

    @Option(names = "--multiple-choice-tasks", paramLabel = "N", defaultValue = "0",
            description = "multiple-choice tasks to score (default: 0, all)")
    int multipleChoiceTasks;

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
        TaskKind task = downstreamTask();
        if (task != null) {
            scoreTasks(task);
            return 0;
        }
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

    /** The downstream task asked for, if any; it excludes the other measurements. */
    private TaskKind downstreamTask() {
        OptionChecks.atLeast("--hellaswag-tasks", hellaswagTasks, 1);
        OptionChecks.atLeast("--winogrande-tasks", winograndeTasks, 0);
        OptionChecks.atLeast("--multiple-choice-tasks", multipleChoiceTasks, 0);
        List<TaskKind> asked = new ArrayList<>();
        if (hellaswag) {
            asked.add(TaskKind.HELLASWAG);
        }
        if (winogrande) {
            asked.add(TaskKind.WINOGRANDE);
        }
        if (multipleChoice) {
            asked.add(TaskKind.MULTIPLE_CHOICE);
        }
        if (asked.isEmpty()) {
            return null;
        }
        String option = "--" + asked.get(0).option();
        if (asked.size() > 1) {
            throw new UsageError("give one of --hellaswag, --winogrande and --multiple-choice per run");
        }
        if (base != null || klDivergence || chunks != -1) {
            throw new UsageError(option + " scores tasks: leave out --kld, --kld-base, --kl-divergence and --chunks");
        }
        if (text == null) {
            throw new UsageError(option + " needs the task file: give -f FILE");
        }
        return asked.get(0);
    }

    private void scoreTasks(TaskKind task) throws IOException {
        int count = switch (task) {
            case HELLASWAG -> hellaswagTasks;
            case WINOGRANDE -> winograndeTasks;
            case MULTIPLE_CHOICE -> multipleChoiceTasks;
        };
        TaskKind.Scoring scoring = task.load(text, count, PerplexityCommand::info);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int ctx = nCtx != null ? nCtx : DEFAULT_CTX;
        Tokenizer tokenizer = Tokenizer.open(model);
        StringBuilder lines = new StringBuilder();
        try (LanguageModel lm = open(TaskModel.window(ctx));
             ProgressBar bar = Progress.bar(task.option(), scoring.tasks(), "tasks")) {
            scoring.score(new TaskModel(lm, tokenizer, ctx), line -> lines.append(line).append('\n'), bar::step);
        }
        out.print(lines);
        out.println(); // llama-perplexity ends every mode with an empty line
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
        LanguageModel lm = Models.open(model, threads != null ? threads : Models.defaultThreads(),
                floatBatches.batches());
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
