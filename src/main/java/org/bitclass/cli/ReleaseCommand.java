package org.bitclass.cli;

import org.bitclass.alloc.Budget;
import org.bitclass.alloc.TargetAllocation;
import org.bitclass.eval.tasks.TaskKind;
import org.bitclass.io.RunInputs;
import org.bitclass.io.TextFiles;
import org.bitclass.quant.FileType;
import org.bitclass.release.Release;
import org.bitclass.release.ReleaseReports;
import org.bitclass.release.ReleaseResults;
import org.bitclass.release.ReleaseSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bitclass release}: from a full-precision model to a folder of levels, scores, plots and a model card. */
@Command(name = "release",
        header = "Make a published set of levels: GGUFs, scores against stock, plots, a model card.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = "From a BF16/F16/F32 model: the importance matrix (unless given), the sensitivity and health"
                + " scans, the original's logits on the eval text, then per level a BitClass allocation at the size"
                + " of llama-quantize's recipe of that level and the stock recipe itself, each scored against the"
                + " original (PPL, KL divergence as llama-perplexity computes them). DIR gets <NAME>-<LEVEL>.gguf,"
                + " <NAME>-<LEVEL>-stock.gguf, results.json (docs/release.md), plots/ and a model card (README)."
                + " Every stage is stored in DIR under a key of its inputs: a re-run (after a crash, or with another"
                + " level) redoes only what changed.",
        footer = {"", "Examples:",
                "  bitclass release model-bf16.gguf --calib calib.txt --eval wiki.test.raw \\",
                "      -o out",
                "  bitclass release model-bf16.gguf --imatrix imatrix.gguf --eval test.txt \\",
                "      --levels Q4_K_M,Q6_K --size Q4_K_M=4.5GiB --name MyModel -o out",
                "  bitclass release model-bf16.gguf --calib calib.txt --eval test.txt \\",
                "      --hellaswag hellaswag_val_full.txt --winogrande winogrande.csv -o out"})
public final class ReleaseCommand implements Callable<Integer> {

    static final List<String> DEFAULT_LEVELS = List.of("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_S");

    @Mixin
    ModelArgument modelArgument;

    @Option(names = "--calib", paramLabel = "TEXT", description = "calibration text: the imatrix (unless --imatrix) and"
            + " the allocator's KLD probes")
    Path calibration;

    @Option(names = "--imatrix", paramLabel = "FILE", description = "an existing importance matrix of the model")
    Path imatrix;

    @Option(names = "--eval", required = true, paramLabel = "TEXT", description = "text every file is scored on")
    Path eval;

    @Option(names = "--levels", split = ",", paramLabel = "L1,L2", description = "levels (default: ${DEFAULT-VALUE})")
    List<String> levels = DEFAULT_LEVELS;

    @Option(names = "--name", paramLabel = "NAME", description = "file name prefix (default: the model's file name)")
    String name;

    @Option(names = "--size", paramLabel = "LEVEL=SIZE", description = "budget of a level instead of its stock recipe's"
            + " size: bytes or with a unit (4.5GiB)")
    List<String> sizes = new ArrayList<>();

    @Option(names = "--calib-chunks", paramLabel = "N", description = "imatrix chunks of 512 tokens (default: all)")
    int calibChunks = -1;

    @Option(names = "--probe-chunks", paramLabel = "N", description = "calibration chunks the allocator measures KLD on"
            + " (default: ${DEFAULT-VALUE})")
    int probeChunks = 4;

    @Option(names = "--eval-chunks", paramLabel = "N", description = "eval chunks of 512 tokens scored (default: all)")
    int evalChunks = -1;

    @Option(names = "--hellaswag", paramLabel = "FILE", description = "also score every file on these HellaSwag tasks"
            + " (llama-perplexity's format), all of them")
    Path hellaswag;

    @Option(names = "--winogrande", paramLabel = "FILE", description = "also score every file on these WinoGrande"
            + " tasks (llama-perplexity's CSV)")
    Path winogrande;

    @Option(names = "--multiple-choice", paramLabel = "FILE", description = "also score every file on these"
            + " multiple-choice tasks (llama-perplexity's binary format)")
    Path multipleChoice;

    @Option(names = "--force", description = "redo every stage, even those stored in DIR")
    boolean force;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "the release folder")
    Path out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ReleaseResults r = run(spec(), force);
        System.out.println();
        System.out.print(ReleaseReports.tables(r));
        System.out.println("\nrecommended: " + r.recommended().level() + "; model card " + out.resolve(ReleaseReports.CARD));
        return 0;
    }

    /** Runs a release with stage lines (and bars on a terminal) on stderr; demo shares it. */
    static ReleaseResults run(ReleaseSpec spec, boolean force) throws IOException, InterruptedException {
        long start = System.nanoTime();
        ReleaseResults r;
        try (ReleaseProgress progress = new ReleaseProgress()) {
            r = ReleaseReports.write(Release.run(spec, force, progress), Main.VERSION);
        }
        System.err.printf(Locale.ROOT, "release: done in %.0f s; %s%n", (System.nanoTime() - start) / 1e9, spec.out());
        return r;
    }

    private ReleaseSpec spec() throws IOException {
        if (calibration == null && imatrix == null) {
            throw new IllegalArgumentException("give a calibration text (--calib TEXT) or an importance matrix (--imatrix F)");
        }
        Path model = modelArgument.path();
        OptionChecks.atLeast("--threads", threads, 1);
        OptionChecks.atLeast("--probe-chunks", probeChunks, 1);
        OptionChecks.allOrAtLeast("--calib-chunks", calibChunks, 1, "all");
        OptionChecks.allOrAtLeast("--eval-chunks", evalChunks, 1, "all");
        for (Path p : new Path[]{model, calibration, imatrix, eval, hellaswag, winogrande, multipleChoice}) {
            if (p != null && !Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no such file: " + p);
            }
        }
        for (Path text : new Path[]{calibration, eval}) {
            if (text != null) {
                TextFiles.check(text);
            }
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("-o " + out + ": a file is there; give a folder for the release");
        }
        List<FileType> parsed = levels.stream().map(ReleaseCommand::level).distinct().toList();
        Map<FileType, Long> budgets = new LinkedHashMap<>();
        for (String s : sizes) {
            int eq = s.indexOf('=');
            if (eq < 0 || !(Budget.parseSize(s.substring(eq + 1)) instanceof Budget.Bytes b)) {
                throw new IllegalArgumentException("--size takes LEVEL=SIZE (e.g. Q4_K_M=4.5GiB), not '" + s + "'");
            }
            FileType level = level(s.substring(0, eq));
            if (!parsed.contains(level)) {
                throw new IllegalArgumentException("--size " + s + ": " + level + " is not one of --levels");
            }
            budgets.put(level, b.bytes());
        }
        String prefix = name != null ? name : model.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        if (prefix.isBlank() || prefix.contains("/")) {
            throw new IllegalArgumentException("--name must be a plain file name prefix, not '" + prefix + "'");
        }
        if (calibration == null) {
            System.err.println("release: warning: without --calib the allocator weighs tensors by the Hessian figure"
                    + " alone and cannot check its choice against the stock recipe");
        }
        ReleaseReports.checkFolder(out, model);
        RunInputs.add(model, calibration, imatrix, eval, hellaswag, winogrande, multipleChoice);
        Map<TaskKind, Path> tasks = new EnumMap<>(TaskKind.class);
        if (hellaswag != null) {
            tasks.put(TaskKind.HELLASWAG, hellaswag);
        }
        if (winogrande != null) {
            tasks.put(TaskKind.WINOGRANDE, winogrande);
        }
        if (multipleChoice != null) {
            tasks.put(TaskKind.MULTIPLE_CHOICE, multipleChoice);
        }
        return new ReleaseSpec(model, calibration, imatrix, eval, parsed, prefix, budgets, calibChunks, probeChunks,
                evalChunks, threads, out, tasks);
    }

    static FileType level(String text) {
        FileType t = FileType.parse(text.strip()).orElseThrow(() -> new IllegalArgumentException(
                "--levels: unknown level '" + text + "'; levels: " + TargetAllocation.LEVELS));
        if (!TargetAllocation.LEVELS.contains(t)) {
            throw new IllegalArgumentException("--levels: " + t + " is not a level the allocator competes with;"
                    + " levels: " + TargetAllocation.LEVELS);
        }
        return t;
    }
}
