package org.bitclass.cli;

import org.bitclass.calib.ImatrixCalibration;
import org.bitclass.calib.SensitivityAnalysis;
import org.bitclass.calib.SensitivityReport;
import org.bitclass.gguf.GgufModel;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ImatrixMatch;
import org.bitclass.io.OutputFile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bitclass sensitivity}: Hessian-diagonal sensitivity per tensor, layer and role, for the bit allocator. */
@Command(name = "sensitivity",
        header = "Rank layers and tensor roles by sensitivity to quantization noise.", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Rank a model's layers and tensor roles by their sensitivity to quantization noise:"
                + " sum_ij H_jj * w_ij^2 per tensor, with H_jj = E[x_j^2] the mean squared input of column j (the"
                + " diagonal of the layer's Hessian, from an imatrix of this model). Calibrates first when given a"
                + " text. The JSON report is described in docs/sensitivity.md.",
        footer = {"", "Examples:",
                "  bitclass sensitivity model.gguf -f calibration.txt \\",
                "      --json model.sensitivity.json",
                "  bitclass sensitivity model.gguf --imatrix model.imatrix.gguf --top 20"})
public final class SensitivityCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = {"-f", "--file"}, paramLabel = "TEXT", description = "calibration text to run the model over")
        Path text;

        @Option(names = "--imatrix", paramLabel = "FILE", description = "an existing imatrix (GGUF or .dat) of this model")
        Path imatrix;
    }

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "tokens per chunk when calibrating (default: ${DEFAULT-VALUE})")
    int contextSize = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "calibrate on at most N chunks (default: all)")
    int chunks = -1;

    @Option(names = "--process-output", description = "also calibrate the output head")
    boolean processOutput;

    @Option(names = "--json", paramLabel = "OUT.json", description = "write the report as JSON for the allocator")
    Path json;

    @Option(names = "--top", paramLabel = "N", description = "tensors to list (default: ${DEFAULT-VALUE})")
    int top = 10;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws IOException {
        OptionChecks.atLeast("--ctx-size", contextSize, 1);
        OptionChecks.allOrAtLeast("--chunks", chunks, 1, "all");
        OptionChecks.atLeast("--top", top, 0);
        OptionChecks.atLeast("--threads", threads, 1);
        Path model = modelArgument.path();
        if (json != null) {
            OutputFile.check(json, model, source.text, source.imatrix);
        }
        Imatrix imatrix = source.imatrix != null ? Imatrix.read(source.imatrix) : CalibrationRun.run(model, source.text,
                new ImatrixCalibration.Options(contextSize, chunks, processOutput, false, false), threads).imatrix();
        SensitivityReport report;
        try (GgufModel gguf = GgufModel.open(model)) {
            if (source.imatrix != null) {
                ImatrixMatch.check(imatrix, source.imatrix.toString(), gguf);
            }
            report = SensitivityAnalysis.analyze(gguf, imatrix);
        }
        System.out.print(report.format(top));
        if (json != null) {
            report.writeJson(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
