package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.model.synth.SynthModelWriter;
import org.bitclass.model.synth.SynthSpec;
import org.bitclass.io.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bitclass synth}: a random-weight model with a real model's shapes, for benchmarks and scale tests. */
@Command(name = "synth",
        header = "Write a random-weight model with a real model's shapes.", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a random-weight GGUF with the dimensions of a real model, loadable by llama.cpp and"
                + " BitClass. Weights are seeded per row, so the same options give the same bytes. Matrices take"
                + " --type, vectors stay F32. The vocabulary is the bundled Minima one unless --vocab names another"
                + " GGUF; it is padded with unused tokens up to the model's vocabulary size.",
        footer = {"", "Presets: qwen3-0.6b, qwen3-1.7b, qwen3-4b, qwen2.5-0.5b, llama-3.2-1b,",
                "  qwen3.5-4b, qwen3.5-mini",
                "", "Examples:",
                "  bitclass synth qwen3-1.7b-bf16.gguf --preset qwen3-1.7b --type BF16",
                "  bitclass synth q35.gguf --preset qwen3.5-4b --type Q4_K \\",
                "      --vocab qwen35-vocab.gguf",
                "  bitclass synth tiny.gguf --preset qwen3.5-mini --layers 12 \\",
                "      --value-heads 8 --untied"})
public final class SynthCommand implements Callable<Integer> {

    @Parameters(paramLabel = "OUT", description = "the GGUF file to write")
    Path output;

    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "model shape to mirror (see below)")
    String preset;

    @Option(names = "--type", paramLabel = "TYPE", completionCandidates = TypeNames.TensorTypes.class,
            description = "type of the weight matrices: ${COMPLETION-CANDIDATES} (default: BF16)")
    String typeName = "BF16";

    @Option(names = "--vocab", paramLabel = "GGUF", description = "take the tokenizer from this GGUF (vocab-only files work)")
    Path vocab;

    @Option(names = "--layers", paramLabel = "N", description = "override the layer count")
    Integer layers;

    @Option(names = "--vocab-size", paramLabel = "N", description = "override the vocabulary size (rows of token_embd)")
    Integer vocabSize;

    @Option(names = "--untied", description = "write a separate output head instead of tying it to token_embd")
    boolean untied;

    @Option(names = "--value-heads", paramLabel = "N", description = "qwen35: DeltaNet value heads (a multiple of the key heads)")
    Integer valueHeads;

    @Option(names = {"-s", "--seed"}, paramLabel = "N", description = "random seed (default: 1)")
    long seed = 1;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast("--threads", threads, 1);
        GgmlType type = TypeNames.tensorType(typeName, "--type");
        SynthSpec spec = SynthSpec.preset(preset);
        if (layers != null) {
            OptionChecks.atLeast("--layers", layers, 1);
            spec = spec.withLayers(layers);
        }
        if (vocabSize != null) {
            OptionChecks.atLeast("--vocab-size", vocabSize, 1);
            spec = spec.withVocab(vocabSize);
        }
        if (untied) {
            spec = spec.withTied(false);
        }
        if (valueHeads != null) {
            OptionChecks.atLeast("--value-heads", valueHeads, 1);
            spec = spec.withDeltaNet(spec.ssmState(), spec.ssmGroups(), valueHeads);
        }
        OutputFile.check(output, vocab);
        GgufMetadata vocabulary;
        try (GgufFile v = GgufFile.open(vocab != null ? vocab : DemoFiles.file(DemoFiles.MODEL))) {
            vocabulary = new GgufMetadata(v.metadata());
        }
        if (vocab == null && spec.arch().equals("qwen35")) {
            vocabulary.putString("tokenizer.ggml.pre", "qwen35"); // the same vocabulary, split as Qwen3.5 splits
        }
        SynthModelWriter writer = new SynthModelWriter(spec, type, vocabulary, seed);
        int count = writer.tensors().size();
        try (ProgressBar bar = Progress.bar("synth", count, "tensors")) {
            writer.write(output, threads, i -> bar.step());
        }
        long params = writer.tensors().stream().mapToLong(t -> t.nElements()).sum();
        long bytes = writer.tensors().stream().mapToLong(t -> t.nBytes()).sum();
        System.out.printf("wrote %s: %s %s, %s parameters, %s%n", output, spec.arch(), preset, Units.count(params),
                Units.bytes(bytes));
        return 0;
    }
}
