package org.bitclass.cli;

import org.bitclass.model.Generator;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.tokenizer.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bitclass generate}: raw text completion, streamed, the prompt printed first as llama.cpp does. */
@Command(name = "generate",
        header = "Continue a text with a model (raw completion, streamed).", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Continue a text with the model (no chat template). Prints the prompt and the continuation as"
                + " it is generated; timings go to stderr.",
        footer = {"", "Examples:",
                "  bitclass generate demo/minima-qwen3-bf16.gguf -p ' = Ge 1 = ' -n 64 --temp 0",
                "  bitclass generate model.gguf -f prompt.txt -n 256 --seed 42 --stop '\\n\\n'"})
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelArgument modelArgument;

    @ArgGroup(multiplicity = "1")
    TextInput prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N",
            description = "tokens to generate, -1 = until the end of the text or of the context (default: ${DEFAULT-VALUE})")
    int maxTokens = 128;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "context size (default: the model's, at most 4096)")
    Integer contextSize;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when this text appears (repeatable; \\n and \\t are understood)")
    List<String> stops = new ArrayList<>();

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Models.defaultThreads();

    @Mixin
    FloatBatchesOption floatBatches;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        OptionChecks.allOrAtLeast("--n-predict", maxTokens, 0, "no limit");
        if (contextSize != null) {
            OptionChecks.atLeast("--ctx-size", contextSize, 2);
        }
        OptionChecks.atLeast("--threads", threads, 1);
        var sampler = sampling.sampler();
        Path model = modelArgument.path();
        String text = prompt.read();
        Tokenizer tokenizer = Tokenizer.open(model);
        try (LanguageModel lm = Models.open(model, threads, floatBatches.batches())) {
            int ctx = contextSize != null ? contextSize : Math.min(lm.contextLength(), 4096);
            int[] tokens = tokenizer.encode(text, true, true);
            Generator generator = new Generator(lm.newSession(ctx), tokenizer);
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.print(text);
            out.flush();
            Generator.Result r = generator.generate(tokens, sampler, maxTokens < 0 ? Integer.MAX_VALUE : maxTokens,
                    stops.stream().map(GenerateCommand::unescape).toList(), piece -> {
                        out.print(piece);
                        out.flush();
                    }, () -> false);
            out.println();
            System.err.printf(Locale.ROOT, "[prompt %d tokens, %.1f t/s | generated %d tokens, %.1f t/s | stop: %s]%n",
                    r.promptTokens(), r.promptTokens() / (r.promptNanos() / 1e9), r.tokens().length,
                    r.tokens().length / Math.max(1e-9, r.genNanos() / 1e9), r.reason().name().toLowerCase(Locale.ROOT));
        }
        return 0;
    }

    static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t");
    }
}
