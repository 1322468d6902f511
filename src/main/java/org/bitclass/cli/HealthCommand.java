package org.bitclass.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import me.tongfei.progressbar.ProgressBar;
import org.bitclass.eval.health.HealthReport;
import org.bitclass.eval.health.HealthScan;
import org.bitclass.gguf.GgufModel;
import org.bitclass.io.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bitclass health MODEL}: value statistics of every tensor, and the ones unlike their peers in other layers. */
@Command(name = "health",
        header = "Scan tensor statistics and flag outliers among same-role tensors.", mixinStandardHelpOptions = true,
        description = "Scan every tensor's values (dequantized): mean, std, skewness, excess kurtosis, max |w|,"
                + " share beyond 6σ. Tensors whose statistics stand out among the same tensor in the other layers"
                + " (robust z-score beyond ±" + HealthReport.THRESHOLD + ") are flagged. See docs/health.md.",
        footer = {"", "Examples:", "  bitclass health model.gguf", "  bitclass health model.gguf --json health.json"})
public final class HealthCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON to FILE")
    Path json;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "tensors scanned at once (default: available processors)")
    Integer threads;

    @Override
    public Integer call() throws IOException, InterruptedException {
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        OptionChecks.atLeast("--threads", nThreads, 1);
        Path model = modelArgument.path();
        if (json != null) {
            OutputFile.check(json, model);
        }
        try (GgufModel m = GgufModel.open(model)) {
            HealthReport report;
            try (ProgressBar bar = Progress.bar("health", HealthScan.scannable(m).size(), "tensors")) {
                report = HealthScan.run(m, nThreads, bar::step);
            }
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.print(report.table());
            out.flush();
            if (json != null) {
                var tree = report.toJson(model.toString());
                OutputFile.write(json, temp -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(temp.toFile(), tree));
            }
        }
        return 0;
    }
}
