package org.bitclass.cli;

import org.bitclass.alloc.Allocation;
import org.bitclass.io.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bitclass allocate}: a type for every tensor at a size budget, as a recipe file. */
@Command(name = "allocate",
        header = "Choose a type for every tensor so the model's output moves least at a size budget.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure what every candidate type does to every weight matrix (its imatrix-weighted error)"
                + " and what each matrix's error does to the model's output (the KL divergence of one-tensor probes"
                + " on the --calib text); then place types within the budget so that the predicted KLD is least,"
                + " and check the result against llama-quantize's stock recipe of the same size. Writes the recipe"
                + " as JSON (docs/allocation.md) and, with --tensor-type-file, as rules that stock llama-quantize"
                + " accepts.",
        footer = {"", "Examples:",
                "  bitclass allocate model.gguf --imatrix imatrix.gguf --calib calib.txt \\",
                "      --target-size Q4_K_M -o recipe.json",
                "  bitclass quantize model.gguf out.gguf --recipe recipe.json \\",
                "      --imatrix imatrix.gguf",
                "  bitclass allocate model.gguf --imatrix imatrix.gguf --calib calib.txt \\",
                "      --target-bpw 4.5 -o r.json --tensor-type-file r.txt"})
public final class AllocateCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @Option(names = "--imatrix", required = true, paramLabel = "FILE", description = "importance matrix of this model")
    Path imatrix;

    @Mixin
    AllocationOptions allocation;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "RECIPE.json", description = "the recipe to write")
    Path output;

    @Option(names = "--tensor-type-file", paramLabel = "FILE", description = "also write the recipe as llama-quantize rules")
    Path tensorTypeFile;

    @Option(names = "--tensor-type", paramLabel = "REGEX=TYPE", description = "pin tensors whose name matches REGEX to TYPE")
    List<String> pins = new ArrayList<>();

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        if (!allocation.given()) {
            throw new UsageError("give the budget with --target-size or --target-bpw");
        }
        OptionChecks.atLeast("--threads", threads, 1);
        Path model = modelArgument.path();
        OutputFile.check(output, model, imatrix, allocation.calibration);
        if (tensorTypeFile != null) {
            OutputFile.check(tensorTypeFile, model, imatrix, allocation.calibration, output);
        }
        Allocation a = allocation.run(model, imatrix, pins, threads);
        a.write(output);
        if (tensorTypeFile != null) {
            a.writeTensorTypeFile(tensorTypeFile);
        }
        AllocationOptions.print(a);
        System.out.println("wrote " + output + (tensorTypeFile == null ? "" : " and " + tensorTypeFile));
        System.out.println("llama.cpp: llama-quantize --imatrix " + imatrix + " --tensor-type-file "
                + (tensorTypeFile == null ? "<file>" : tensorTypeFile) + " " + model + " OUT.gguf " + a.fileType());
        return 0;
    }
}
