package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.alloc.Allocation;
import org.bitclass.alloc.Allocator;
import org.bitclass.alloc.Budget;
import org.bitclass.alloc.RecipeOptions;
import org.bitclass.alloc.SensitivityTable;
import org.bitclass.alloc.TargetAllocation;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.io.TextFiles;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.TensorTypeOverrides;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The options of an allocation at a budget, shared by {@code allocate} and {@code quantize --target-size}. */
final class AllocationOptions {

    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = "--target-size", paramLabel = "SIZE", description = "largest output file: bytes (4790848), with a unit"
                + " (4.5MiB, 2GB), or a stock file type (Q4_K_M): the size of llama-quantize's recipe of that type"
                + " for this model")
        String size;

        @Option(names = "--target-bpw", paramLabel = "X", description = "bits per weight as llama-quantize counts them")
        Double bpw;
    }

    @Option(names = "--calib", paramLabel = "TEXT", description = "calibration text: measures each tensor's effect on"
            + " the output (KL divergence) and checks the result against the stock recipe; without it the"
            + " Hessian-diagonal figure weighs the tensors")
    Path calibration;

    @Option(names = "--chunks", paramLabel = "N", description = "calibration chunks of 512 tokens (default: ${DEFAULT-VALUE})")
    int chunks = 4;

    @Option(names = "--sensitivity", paramLabel = "FILE.json", description = "cache of the measured sensitivities: read when made"
            + " from the same model, imatrix and text, else measured and written")
    Path sensitivityCache;

    boolean given() {
        return target != null;
    }

    Budget budget() {
        return target.size != null ? Budget.parseSize(target.size) : Budget.bpw(target.bpw);
    }

    void check() {
        OptionChecks.atLeast("--chunks", chunks, 1);
        if (target.bpw != null) {
            OptionChecks.within("--target-bpw", target.bpw, 0, false, 32);
        }
    }

    /** Runs the allocation with progress bars on stderr and returns it. */
    Allocation run(Path model, Path imatrixFile, List<String> pinRules, int threads) throws IOException {
        check();
        if (calibration != null) {
            TextFiles.check(calibration);
        }
        Imatrix imatrix = Imatrix.read(imatrixFile);
        try (StageBars bars = new StageBars();
             Allocator allocator = new Allocator(model, imatrix, imatrixFile.toString(),
                     new Allocator.Options(chunks, 512, GgmlType.Q3_K, threads), bars)) {
            RecipeOptions recipe = RecipeOptions.DEFAULT.withImatrix(true);
            TargetAllocation.Target t = TargetAllocation.resolve(budget(), allocator, recipe);
            Map<String, GgmlType> pins = pins(allocator.placed(), pinRules);
            allocator.checkBudget(t.fileBytes(), t.stock().fileType(), t.stock().tensors(), pins);
            SensitivityTable sensitivity = calibration == null ? allocator.hessianSensitivity()
                    : allocator.sensitivity(calibration, sensitivityCache);
            Allocation a = TargetAllocation.run(allocator, sensitivity, t, pins, calibration);
            bars.close();
            if (calibration != null) {
                System.out.printf(Locale.ROOT, "sensitivity: Spearman rank correlation of the Hessian figure and the"
                        + " measured KLD over %d tensors: %.3f%n", sensitivity.tensors().size(), sensitivity.spearman());
            }
            return a;
        }
    }

    /** The types --tensor-type pins; a rule that pins nothing is a typo more often than not, so it warns. */
    private static Map<String, GgmlType> pins(List<TensorInfo> placed, List<String> rules) {
        Map<String, GgmlType> pins = new LinkedHashMap<>();
        if (rules.isEmpty()) {
            return pins;
        }
        var overrides = TensorTypeOverrides.parse(rules);
        boolean[] used = new boolean[rules.size()];
        for (TensorInfo t : placed) {
            overrides.firstMatch(t.name()).ifPresent(i -> {
                used[i] = true;
                pins.put(t.name(), overrides.rules().get(i).type());
            });
        }
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                System.err.println("warning: --tensor-type '" + rules.get(i)
                        + "' matched no weight matrix (or only ones an earlier rule took)");
            }
        }
        return pins;
    }

    /** Prints the allocation's final table. */
    static void print(Allocation a) {
        System.out.println();
        TargetAllocation.summary(a).forEach(System.out::println);
        System.out.printf(Locale.ROOT, "file size  %12d bytes (budget %d, %.2f%%), %.4f BPW, file type %s%n",
                a.fileBytes(), a.budgetBytes(), 100.0 * a.fileBytes() / a.budgetBytes(), a.bpw(), a.fileType());
        System.out.printf(Locale.ROOT, "KLD        predicted %s, measured %s%n", kld(a.predictedKld()), kld(a.measuredKld()));
        if (a.stock() != null) {
            System.out.printf(Locale.ROOT, "stock %-6s %12d bytes, measured KLD %s (ours / stock %.3f)%n", a.stock(),
                    a.stockBytes(), kld(a.stockKld()), a.measuredKld() / a.stockKld());
        }
        if (a.note() != null) {
            System.out.println("note: " + a.note());
        }
    }

    private static String kld(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.6f", v);
    }

    /** One progress bar per stage of the allocator. */
    private static final class StageBars implements Allocator.Listener, AutoCloseable {
        private ProgressBar bar;

        @Override
        public synchronized void stage(String name, int steps) {
            close();
            bar = Progress.bar(name, steps, "steps");
        }

        @Override
        public synchronized void step(String detail) {
            bar.setExtraMessage(detail);
            bar.step();
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
