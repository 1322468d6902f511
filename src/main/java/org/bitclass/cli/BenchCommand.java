package org.bitclass.cli;

import org.bitclass.model.BatchPart;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.model.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** Prompt-processing and generation speed, measured the way llama-bench does (random tokens, empty cache per run). */
@Command(name = "bench",
        header = "Measure prompt and generation speed, like llama-bench.", mixinStandardHelpOptions = true,
        description = "Measure prompt processing (pp) and token generation (tg) speed in tokens/s.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @Option(names = {"-p", "--n-prompt"}, defaultValue = "512", description = "prompt tokens per pp run (0 skips pp; default ${DEFAULT-VALUE})")
    int nPrompt;

    @Option(names = {"-n", "--n-gen"}, defaultValue = "128", description = "generated tokens per tg run (0 skips tg; default ${DEFAULT-VALUE})")
    int nGen;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "runs per test (default ${DEFAULT-VALUE})")
    int repetitions;

    @Option(names = "--streams", defaultValue = "1", description = "sequences generated together as one batch in tg, as "
            + "'serve --parallel' runs them; t/s counts all their tokens (default ${DEFAULT-VALUE})")
    int streams;

    @Option(names = {"-t", "--threads"}, description = "worker threads (default: available processors)")
    Integer threads;

    @Mixin
    FloatBatchesOption floatBatches;

    @Override
    public Integer call() throws IOException {
        OptionChecks.atLeast("--n-prompt", nPrompt, 0);
        OptionChecks.atLeast("--n-gen", nGen, 0);
        OptionChecks.atLeast("--repetitions", repetitions, 1);
        OptionChecks.atLeast("--streams", streams, 1);
        if (streams > LanguageModel.MAX_BATCH_TOKENS) {
            throw new UsageError("--streams must be at most " + LanguageModel.MAX_BATCH_TOKENS + ", not " + streams);
        }
        int nThreads = threads != null ? threads : Models.defaultThreads();
        OptionChecks.atLeast("--threads", nThreads, 1);
        Path model = modelArgument.path();
        try (LanguageModel m = Models.open(model, nThreads, floatBatches.batches())) {
            Session session = m.newSession(Math.max(1, Math.max(nPrompt, nGen)));
            SplittableRandom random = new SplittableRandom(42);
            System.out.printf(Locale.ROOT, "| %-30s | %10s | %7s | %-6s | %12s | %20s | %6s |%n",
                    "model", "size", "threads", "test", "tokens", "t/s", "CV %");
            String name = model.getFileName().toString();
            String size = String.format(Locale.ROOT, "%.2f MiB", Files.size(model) / 1048576.0);
            if (nPrompt > 0) {
                double[] rates = measure(() -> {
                    session.reset();
                    session.append(random.ints(nPrompt, 0, m.vocabSize()).toArray(), Session.Outputs.LAST);
                }, nPrompt);
                row(name, size, nThreads, "pp" + nPrompt, nPrompt, rates);
            }
            if (nGen > 0 && streams == 1) {
                double[] rates = measure(() -> {
                    session.reset();
                    for (int i = 0; i < nGen; i++) {
                        session.append(new int[] {random.nextInt(m.vocabSize())}, Session.Outputs.LAST);
                    }
                }, nGen);
                row(name, size, nThreads, "tg" + nGen, nGen, rates);
            } else if (nGen > 0) {
                Session[] sessions = new Session[streams];
                for (int i = 0; i < streams; i++) {
                    sessions[i] = m.newSession(nGen);
                }
                double[] rates = measure(() -> {
                    for (int pos = 0; pos < nGen; pos++) {
                        List<BatchPart> step = new ArrayList<>();
                        for (Session s : sessions) {
                            step.add(new BatchPart(s, new int[] {random.nextInt(m.vocabSize())}, pos));
                        }
                        m.forwardBatch(step);
                    }
                }, streams * nGen);
                row(name, size, nThreads, "tg" + nGen + "x" + streams, streams * nGen, rates);
            }
        }
        System.out.printf(Locale.ROOT, "peak RSS: %s%n", peakRss());
        return 0;
    }

    /** Tokens per second of each repetition, after one untimed warm-up run. */
    private double[] measure(Runnable run, int tokens) {
        run.run();
        double[] rates = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long start = System.nanoTime();
            run.run();
            rates[r] = tokens / ((System.nanoTime() - start) / 1e9);
        }
        return rates;
    }

    private static void row(String name, String size, int threads, String test, int tokens, double[] rates) {
        System.out.printf(Locale.ROOT, "| %-30s | %10s | %7d | %-6s | %12d | %20s | %6s |%n", name, size, threads, test,
                tokens, Units.meanAndSd(rates), Units.coefficientOfVariation(rates));
    }

    /** The process's peak resident set (VmHWM in /proc/self/status), or "unknown" off Linux. */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.1f MiB", kb / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "unknown";
        }
        return "unknown";
    }
}
