package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.calib.ImatrixCalibration;
import org.bitclass.eval.EvalChunks;
import org.bitclass.eval.EvalText;
import org.bitclass.eval.KlDivergence;
import org.bitclass.eval.KldAccumulator;
import org.bitclass.eval.KldBaseReader;
import org.bitclass.eval.KldBaseWriter;
import org.bitclass.eval.KldStatistics;
import org.bitclass.eval.ModelLogits;
import org.bitclass.eval.NllAccumulator;
import org.bitclass.eval.Perplexity;
import org.bitclass.gguf.GgufModel;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code bitclass demo}: the whole pipeline on the bundled Minima model — calibrate an importance matrix,
 * quantize to several types with it, and judge each against the unquantized model by perplexity and KL divergence.
 */
@Command(name = "demo",
        header = "Run the whole pipeline on the bundled demo model (a few minutes).", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the main job on the bundled demo model, in a few minutes. Minima (demo/"
                + DemoFiles.MODEL + ", 7M parameters, Qwen3 architecture, trained on the KJV bible) is calibrated on"
                + " demo/" + DemoFiles.CALIBRATION_TEXT + " (importance matrix), quantized to several types with it,"
                + " and each quantization is scored against the BF16 model on demo/" + DemoFiles.TEST_TEXT + ":"
                + " perplexity and KL divergence, as llama-perplexity computes them.",
        footer = {"", "The quantized models, the imatrix and the KLD base file stay in --out for",
                "further use, e.g.:",
                "  bitclass chat bitclass-demo/minima-Q4_K.gguf",
                "  bitclass perplexity bitclass-demo/minima-Q3_K.gguf \\",
                "      --kld bitclass-demo/minima-bf16.kld"})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "where to write the files (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bitclass-demo");

    @Option(names = "--types", split = ",", paramLabel = "T1,T2", description = "types to compare (default: ${DEFAULT-VALUE})")
    List<String> types = List.of("Q8_0", "Q6_K", "Q4_K", "IQ4_XS", "Q3_K", "Q2_K");

    @Option(names = "--calib-chunks", paramLabel = "N", description = "512-token chunks of calibration text (default: ${DEFAULT-VALUE})")
    int calibChunks = 32;

    @Option(names = "--eval-chunks", paramLabel = "N", description = "512-token chunks of test text scored (default: ${DEFAULT-VALUE})")
    int evalChunks = 8;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Models.defaultThreads();

    private static final int CONTEXT = 512;

    /** One row of the result table. */
    private record Row(String type, long bytes, double bpw, KldStatistics stats, float kld999) {
    }

    @Override
    public Integer call() throws Exception {
        Path model = DemoFiles.file(DemoFiles.MODEL);
        OptionChecks.atLeast("--calib-chunks", calibChunks, 1);
        OptionChecks.atLeast("--eval-chunks", evalChunks, 1);
        OptionChecks.atLeast("--threads", threads, 1);
        List<FileType> fileTypes = types.stream().map(t -> TypeNames.fileType(t, "--types")).toList();
        Files.createDirectories(out);
        PrintStream o = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        o.println("BitClass demo: " + DemoFiles.MODEL + " -> " + String.join(", ", types));

        o.println("\n[1/3] importance matrix from " + DemoFiles.CALIBRATION_TEXT);
        Imatrix imatrix = calibrate(model);
        Path imatrixFile = out.resolve("minima.imatrix.gguf");
        imatrix.writeGguf(imatrixFile);
        o.printf(Locale.ROOT, "      %d matrices, %d chunks -> %s%n", imatrix.entryCount(), imatrix.chunkCount(), imatrixFile);

        o.println("\n[2/3] quantizing with the importance matrix");
        List<Path> quantized = new ArrayList<>();
        try (GgufModel source = GgufModel.open(model)) {
            for (FileType type : fileTypes) {
                Path file = out.resolve("minima-" + type.baseType + ".gguf");
                ModelQuantizer q = new ModelQuantizer(t -> type.baseType, type, imatrix, imatrixFile.getFileName().toString(),
                        false, threads);
                ModelQuantizer.Summary s = q.quantize(source, file, (i, n, from, to) -> { });
                o.printf(Locale.ROOT, "      %-7s %6.2f MiB %5.2f BPW -> %s%n", type.baseType, s.bytesOut() / 1048576.0,
                        s.bpwOut(), file);
                quantized.add(file);
            }
        }

        o.println("\n[3/3] perplexity and KL divergence on " + DemoFiles.TEST_TEXT + " against the BF16 model");
        Tokenizer tokenizer = Tokenizer.open(model);
        OptionalInt bos = EvalText.chunkStart(tokenizer);
        EvalChunks chunks = EvalChunks.of(EvalText.tokenize(tokenizer, EvalText.read(DemoFiles.file(DemoFiles.TEST_TEXT))),
                CONTEXT, evalChunks, bos);
        Path base = out.resolve("minima-bf16.kld");
        double basePpl = writeBase(model, chunks, base);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < quantized.size(); i++) {
            rows.add(score(quantized.get(i), fileTypes.get(i).baseType.name(), base, chunks.nChunk(), bos));
        }
        printTable(o, basePpl, model, rows);
        o.printf(Locale.ROOT, "%ndone in %.0f s; files in %s%n", (System.nanoTime() - start) / 1e9, out);
        return 0;
    }

    private Imatrix calibrate(Path model) throws IOException {
        var options = new ImatrixCalibration.Options(CONTEXT, calibChunks, false, false, false);
        try (ProgressBar bar = Progress.bar("imatrix", calibChunks, "chunks")) {
            return ImatrixCalibration.run(model, DemoFiles.file(DemoFiles.CALIBRATION_TEXT), DemoFiles.CALIBRATION_TEXT,
                    options, threads, new ImatrixCalibration.Listener() {
                        @Override
                        public void chunkDone(int chunk, double ppl) {
                            bar.setExtraMessage(String.format(Locale.ROOT, " PPL %.3f", ppl));
                            bar.stepTo(chunk);
                        }
                    }).imatrix();
        }
    }

    private double writeBase(Path model, EvalChunks chunks, Path base) throws IOException {
        try (LanguageModel lm = Models.open(model, threads);
             KldBaseWriter writer = KldBaseWriter.create(base, chunks, lm.vocabSize());
             ProgressBar bar = Progress.bar("BF16", chunks.nChunk(), "chunks")) {
            NllAccumulator nll = Perplexity.measureWritingBase(new ModelLogits(lm, CONTEXT), chunks, writer,
                    (chunk, ppl) -> bar.step());
            writer.commit();
            return nll.ppl();
        }
    }

    private Row score(Path file, String type, Path base, int nChunk, OptionalInt bos) throws IOException {
        try (KldBaseReader reader = KldBaseReader.open(base);
             LanguageModel lm = Models.open(file, threads);
             GgufModel gguf = GgufModel.open(file);
             ProgressBar bar = Progress.bar(type, nChunk, "chunks")) {
            KldAccumulator kld = KlDivergence.measure(new ModelLogits(lm, CONTEXT), reader, nChunk, bos,
                    (chunk, soFar) -> bar.step());
            long bytes = gguf.tensors().stream().mapToLong(t -> t.nBytes()).sum();
            long elements = gguf.tensors().stream().mapToLong(t -> t.nElements()).sum();
            return new Row(type, bytes, 8.0 * bytes / elements, kld.statistics(), kld.kldDistribution().percentile(0.999f));
        }
    }

    private static void printTable(PrintStream o, double basePpl, Path model, List<Row> rows) throws IOException {
        long baseBytes;
        double baseBpw;
        try (GgufModel m = GgufModel.open(model)) {
            baseBytes = m.tensors().stream().mapToLong(t -> t.nBytes()).sum();
            baseBpw = 8.0 * baseBytes / m.tensors().stream().mapToLong(t -> t.nElements()).sum();
        }
        o.println();
        o.println("| type   |  size MiB |   BPW |      PPL |   ΔPPL % | KLD mean | KLD 99.9% | same top % |");
        o.println("|--------|----------:|------:|---------:|---------:|---------:|----------:|-----------:|");
        o.printf(Locale.ROOT, "| BF16   | %9.2f | %5.2f | %8.4f |        - |        - |         - |          - |%n",
                baseBytes / 1048576.0, baseBpw, basePpl);
        for (Row r : rows) {
            KldStatistics s = r.stats();
            o.printf(Locale.ROOT, "| %-6s | %9.2f | %5.2f | %8.4f | %+8.3f | %8.5f | %9.5f | %10.2f |%n", r.type(),
                    r.bytes() / 1048576.0, r.bpw(), s.ppl().value(), 100 * (s.ppl().value() / basePpl - 1),
                    s.kld().value(), r.kld999(), 100 * s.sameTop().value());
        }
    }
}
