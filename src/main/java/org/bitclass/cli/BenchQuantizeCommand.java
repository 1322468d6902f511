package org.bitclass.cli;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ModelQuantizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Quantization speed: what {@code bitclass quantize} does minus the output file. Throughput counts the bytes the
 * converted tensors take in MODEL (what llama-quantize reads for them) and their weights.
 */
@Command(name = "bench-quantize",
        header = "Measure quantization speed per type, in memory (MB/s, weights/s).",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure quantization speed: every weight matrix of MODEL is quantized in memory (nothing is"
                + " written), once to warm up and then --repeat times. Reports MB/s of MODEL's bytes for the"
                + " converted tensors (1 MB = 10^6 bytes; for an F32 model 4 bytes per weight), million weights per"
                + " second (mean ± sd over the repeats), the process CPU seconds per repeat, and the CPU seconds of"
                + " the warm-up (which includes compiling the kernels: bitclass quantize pays it once per process).",
        footer = {"", "Example:", "  bitclass bench-quantize model-f32.gguf --type Q4_K,Q6_K,Q8_0 -t 2 -r 3"})
final class BenchQuantizeCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @Option(names = "--type", required = true, split = ",", paramLabel = "TYPE",
            completionCandidates = TypeNames.FileTypes.class,
            description = "types to measure, comma-separated: ${COMPLETION-CANDIDATES}")
    List<String> typeNames;

    @Option(names = "--imatrix", paramLabel = "FILE", description = "importance matrix (llama.cpp's GGUF or .dat format)")
    Path imatrixFile;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-r", "--repeat"}, paramLabel = "R", defaultValue = "3",
            description = "timed runs per type after the warm-up (default ${DEFAULT-VALUE})")
    int repeat;

    @Override
    public Integer call() throws IOException {
        OptionChecks.atLeast("--threads", threads, 1);
        OptionChecks.atLeast("--repeat", repeat, 1);
        Path model = modelArgument.path();
        List<FileType> types = typeNames.stream().map(name -> TypeNames.fileType(name, "--type")).toList();
        Imatrix imatrix = imatrixFile == null ? null : Imatrix.read(imatrixFile);
        String imatrixName = imatrixFile == null ? "no" : imatrixFile.getFileName().toString();
        try (GgufModel m = GgufModel.open(model)) {
            String row = "| %-8s | %-" + Math.max(7, imatrixName.length())
                    + "s | %7s | %9s | %10s | %16s | %16s | %13s | %13s |%n";
            System.out.printf(Locale.ROOT, row, "type", "imatrix", "threads", "weights", "source MB", "MB/s",
                    "M weights/s", "CPU s/run", "warm-up CPU s");
            for (FileType type : types) {
                ModelQuantizer quantizer = new ModelQuantizer(t -> type.baseType, type, imatrix, imatrixName, true,
                        threads);
                List<TensorInfo> plan = quantizer.plan(m);
                long weights = 0;
                long sourceBytes = 0;
                for (TensorInfo target : plan) {
                    TensorInfo source = m.tensor(target.name());
                    if (source.type() != target.type()) {
                        weights += source.nElements();
                        sourceBytes += source.nBytes();
                    }
                }
                Runs runs = measure(quantizer, m, plan);
                System.out.printf(Locale.ROOT, row, type.baseType, imatrixName, threads, Units.count(weights),
                        String.format(Locale.ROOT, "%.1f", sourceBytes / 1e6), runs.rate(sourceBytes / 1e6),
                        runs.rate(weights / 1e6), runs.cpu(), String.format(Locale.ROOT, "%.2f", runs.warmUpCpuSeconds()));
            }
        }
        return 0;
    }

    /** Wall and process CPU seconds of each timed run, after one warm-up run of which only the CPU time is kept. */
    private Runs measure(ModelQuantizer quantizer, GgufModel m, List<TensorInfo> plan) throws IOException {
        ModelQuantizer.TensorSink discard = (i, source, target, data) -> { };
        long warmUpStart = processCpuNanos();
        quantizer.convert(m, plan, discard);
        double warmUpCpu = (processCpuNanos() - warmUpStart) / 1e9;
        double[] wall = new double[repeat];
        double[] cpu = new double[repeat];
        for (int r = 0; r < repeat; r++) {
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            quantizer.convert(m, plan, discard);
            wall[r] = (System.nanoTime() - start) / 1e9;
            cpu[r] = (processCpuNanos() - cpuStart) / 1e9;
        }
        return new Runs(wall, cpu, warmUpCpu);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private record Runs(double[] wallSeconds, double[] cpuSeconds, double warmUpCpuSeconds) {

        /** {@code amount} per wall second, as mean ± sample sd over the runs. */
        String rate(double amount) {
            double[] rates = new double[wallSeconds.length];
            for (int i = 0; i < rates.length; i++) {
                rates[i] = amount / wallSeconds[i];
            }
            return Units.meanAndSd(rates);
        }

        String cpu() {
            return Units.meanAndSd(cpuSeconds);
        }
    }
}
