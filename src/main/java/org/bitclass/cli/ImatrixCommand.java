package org.bitclass.cli;

import org.bitclass.calib.ImatrixCalibration;
import org.bitclass.calib.ImatrixMerge;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ImatrixMatch;
import org.bitclass.io.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bitclass imatrix}: llama-imatrix's importance matrix, and merging of imatrix files. */
@Command(name = "imatrix",
        header = "Compute an importance matrix over a calibration text, like llama-imatrix.", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compute an importance matrix (per weight matrix, the sum of squared inputs per column and the"
                + " token count) over a calibration text, with the same chunks, statistics and file format as"
                + " llama-imatrix, printing the running perplexity. With --merge, combine imatrix files (of one"
                + " model) instead.",
        footer = {"", "Examples:",
                "  bitclass imatrix model.gguf -f calibration.txt -o model.imatrix.gguf",
                "  bitclass imatrix model.gguf -f calibration.txt -c 512 --chunks 100 \\",
                "      --format dat -o model.imatrix.dat",
                "  bitclass imatrix --merge a.imatrix.gguf b.imatrix.gguf -o ab.imatrix.gguf"})
public final class ImatrixCommand implements Callable<Integer> {

    enum Format { gguf, dat }

    @Mixin
    ModelArgument modelArgument;

    @Option(names = {"-f", "--file"}, paramLabel = "TEXT", description = "calibration text (UTF-8)")
    Path text;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "tokens per chunk (default: ${DEFAULT-VALUE})")
    int contextSize = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "evaluate at most N chunks (default: all)")
    int chunks = -1;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "imatrix file to write (default: ${DEFAULT-VALUE})")
    Path output = Path.of("imatrix.gguf");

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "gguf (llama.cpp's current format) or dat (legacy) (default: ${DEFAULT-VALUE})")
    Format format = Format.gguf;

    @Option(names = "--process-output", description = "also collect the output head (output.weight, or token_embd.weight when tied)")
    boolean processOutput;

    @Option(names = "--with-mean", description = "also store per-column sums of the inputs, as tensors named after the matrix with the"
                    + " suffix .in_sum (GGUF only; llama.cpp ignores them)")
    boolean withMean;

    @Option(names = "--parse-special", description = "treat special-token text in the calibration text as special tokens")
    boolean parseSpecial;

    @Option(names = "--merge", arity = "1..*", paramLabel = "IMATRIX",
            description = "merge these imatrix files (GGUF or .dat) into --output, weighted by their token counts")
    List<Path> merge = new ArrayList<>();

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws IOException {
        if (withMean && format == Format.dat) {
            throw new UsageError("--with-mean needs the GGUF format: the .dat format has no place for input sums");
        }
        OptionChecks.atLeast("--ctx-size", contextSize, 1);
        OptionChecks.allOrAtLeast("--chunks", chunks, 1, "all");
        OptionChecks.atLeast("--threads", threads, 1);
        Path model = modelArgument.orNull();
        OutputFile.check(output, model, text);
        OutputFile.check(output, merge.toArray(Path[]::new));
        Imatrix imatrix = merge.isEmpty() ? calibrate(model) : merged(model);
        if (format == Format.dat) {
            imatrix.writeDat(output);
        } else {
            imatrix.writeGguf(output);
        }
        System.out.printf(Locale.ROOT, "saved imatrix of %d tensors (%d chunks of %d tokens) to %s%n",
                imatrix.entryCount(), imatrix.chunkCount(), imatrix.chunkSize(), output);
        return 0;
    }

    private Imatrix merged(Path model) throws IOException {
        if (model != null || text != null) {
            throw new UsageError("--merge takes imatrix files only, not a model or a text");
        }
        List<Imatrix> inputs = new ArrayList<>();
        for (Path p : merge) {
            Imatrix in = Imatrix.read(p);
            if (!inputs.isEmpty()) {
                ImatrixMatch.checkSameModel(inputs.getFirst(), merge.getFirst().toString(), in, p.toString());
            }
            inputs.add(in);
        }
        return ImatrixMerge.merge(inputs, contextSize);
    }

    private Imatrix calibrate(Path model) throws IOException {
        if (model == null || text == null) {
            throw new UsageError("give a MODEL and a calibration text (-f TEXT), or --merge imatrix files");
        }
        var options = new ImatrixCalibration.Options(contextSize, chunks, processOutput, withMean, parseSpecial);
        ImatrixCalibration.Result result = CalibrationRun.run(model, text, options, threads);
        return result.imatrix();
    }
}
