package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.quant.TensorTypeOverrides;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code bitclass quantize}: one type for every weight matrix, like {@code llama-quantize --pure}. */
@Command(name = "quantize",
        header = "Quantize a model to one type, bit-exact with llama-quantize --pure.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Quantize every weight matrix of a model (token embedding included) to one type, bit-exact with",
                "llama-quantize --pure. Vectors (norms, biases) keep their type. A row length the type's block does",
                "not divide falls back to llama.cpp's compatible type. The output appears only when complete."},
        footer = {"", "Types: Q8_0, Q6_K, Q5_K, Q4_K, Q3_K, Q2_K, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, IQ4_XS, F16, BF16, F32",
                "       (file-type names such as Q4_K_M are accepted and give the same uniform type here).",
                "", "Examples:",
                "  bitclass quantize model-bf16.gguf model-q4k.gguf --type Q4_K --imatrix imatrix.gguf",
                "  bitclass quantize in.gguf out.gguf --type Q4_K --tensor-type 'ffn_down=Q6_K' --tensor-type 'attn_v=Q8_0'"})
public final class QuantizeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "model to quantize (F32, F16 or BF16 GGUF)")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "GGUF file to write")
    Path output;

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "TYPE", description = "the type for every weight matrix")
    String typeName;

    @Option(names = "--imatrix", paramLabel = "FILE", description = "importance matrix (llama.cpp's GGUF or .dat format)")
    Path imatrixFile;

    @Option(names = "--tensor-type", paramLabel = "REGEX=TYPE",
            description = "give tensors whose name matches REGEX another type; repeatable, the first match wins")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--allow-requantize", description = "allow tensors that are already quantized to be quantized again")
    boolean allowRequantize;

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        FileType fileType = FileType.parse(typeName).orElseThrow(() -> new IllegalArgumentException(
                "unknown type '" + typeName + "'; valid types: " + FileType.validNames() + ", Q3_K, Q4_K, Q5_K"));
        Function<TensorInfo, GgmlType> typeOf = TensorTypeOverrides.parse(overrides).over(fileType.baseType);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException("the output would overwrite the input " + input);
        }
        Imatrix imatrix = imatrixFile == null ? null : Imatrix.read(imatrixFile);
        String imatrixName = imatrixFile == null ? null : imatrixFile.toString();
        try (GgufModel model = GgufModel.open(input)) {
            ModelQuantizer quantizer = new ModelQuantizer(typeOf, fileType, imatrix, imatrixName, allowRequantize, threads);
            long start = System.nanoTime();
            ModelQuantizer.Summary summary;
            try (ProgressBar bar = Progress.bar("quantize", model.tensors().size(), "tensors")) {
                summary = quantizer.quantize(model, output, (i, n, from, to) -> {
                    bar.setExtraMessage(from.name() + " -> " + to);
                    bar.step();
                });
            }
            summary.warnings().forEach(w -> System.err.println("warning: " + w));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "model size = %9.2f MiB (%.2f BPW)%n", summary.bytesIn() / 1048576.0, summary.bpwIn());
            System.out.printf(Locale.ROOT, "quant size = %9.2f MiB (%.2f BPW)%n", summary.bytesOut() / 1048576.0, summary.bpwOut());
            System.out.printf(Locale.ROOT, "wrote %s in %.1f s (%.1f MB/s of input)%n", output, seconds,
                    summary.bytesIn() / 1e6 / seconds);
        }
        return 0;
    }
}
