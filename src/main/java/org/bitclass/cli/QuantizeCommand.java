package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.bitclass.alloc.Allocation;
import org.bitclass.alloc.RecipeOptions;
import org.bitclass.alloc.RecipePlan;
import org.bitclass.alloc.StockRecipe;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.quant.TensorTypeOverrides;
import org.bitclass.io.OutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code bitclass quantize}: llama-quantize's stock recipes and options, bit-exact. */
@Command(name = "quantize",
        header = "Quantize a model like llama-quantize: its recipes (Q4_K_M ...), bit-exact.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = "Quantize a model with llama-quantize's stock recipe for a file type (Q4_K_M: most matrices"
                + " Q4_K; attn_v and ffn_down of chosen layers and the output head Q6_K), choosing every tensor's"
                + " type as llama-quantize does and writing its bytes. --pure gives every weight matrix the file"
                + " type's base type instead. Vectors (norms, biases) keep their type. A row length a type's block"
                + " does not divide falls back to llama.cpp's compatible type. The output appears only when"
                + " complete. llama-quantize's positional form IN OUT TYPE [THREADS] works too.",
        footer = {"",
                "A file type may also be given by its numeric id; Q3_K, Q4_K and Q5_K mean",
                "the _M recipes, as in llama-quantize. --tensor-type rules apply only to",
                "quantized file types (not F16, BF16, F32); the text before '=' is",
                "lower-cased, as llama-quantize does.",
                "",
                "Examples:",
                "  bitclass quantize model-bf16.gguf model-Q4_K_M.gguf Q4_K_M",
                "  bitclass quantize in.gguf out.gguf --type Q4_K_M --imatrix imatrix.gguf",
                "  bitclass quantize in.gguf out.gguf --type Q4_K --pure -t 8",
                "  bitclass quantize in.gguf out.gguf --recipe recipe.json --imatrix imatrix.gguf",
                "  bitclass quantize in.gguf out.gguf --imatrix imatrix.gguf --calib calib.txt \\",
                "      --target-size Q4_K_M",
                "  bitclass quantize in.gguf out.gguf --type Q4_K_M \\",
                "      --tensor-type 'ffn_down=q6_k' --output-tensor-type q8_0"})
public final class QuantizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "model to quantize (F32, F16 or BF16 GGUF)")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "GGUF file to write")
    Path output;

    @Parameters(index = "2", arity = "0..1", paramLabel = "TYPE", description = "file type, as --type")
    String positionalType;

    @Parameters(index = "3", arity = "0..1", paramLabel = "THREADS", description = "threads, as --threads")
    Integer positionalThreads;

    @Option(names = "--type", paramLabel = "TYPE", completionCandidates = TypeNames.FileTypes.class,
            description = "file type: its recipe (or with --pure its base type): ${COMPLETION-CANDIDATES}")
    String typeOption;

    @Option(names = "--pure", description = "one type for every weight matrix, no recipe (llama-quantize --pure)")
    boolean pure;

    @Option(names = "--imatrix", paramLabel = "FILE", description = "importance matrix (llama.cpp's GGUF or .dat format)")
    Path imatrixFile;

    @Option(names = "--output-tensor-type", paramLabel = "TYPE", completionCandidates = TypeNames.TensorTypes.class,
            description = "type of output.weight (and of token_embd.weight when the head is tied to it):"
                    + " ${COMPLETION-CANDIDATES}")
    String outputType;

    @Option(names = "--token-embedding-type", paramLabel = "TYPE", description = "type of token_embd.weight"
            + " (types as for --output-tensor-type)")
    String tokenEmbeddingType;

    @Option(names = "--tensor-type", paramLabel = "REGEX=TYPE",
            description = "give tensors whose name matches REGEX this type (as for --output-tensor-type);"
                    + " repeatable, the first match wins")
    List<String> tensorTypes = new ArrayList<>();

    @Option(names = "--tensor-type-file", paramLabel = "FILE",
            description = "REGEX=TYPE rules separated by spaces or newlines, in order with --tensor-type")
    List<Path> tensorTypeFiles = new ArrayList<>();

    @Option(names = "--recipe", paramLabel = "RECIPE.json", description = "the types an allocation chose (bitclass allocate)")
    Path recipe;

    @Mixin
    AllocationOptions allocation;

    @Option(names = "--allow-requantize", description = "allow tensors that are already quantized to be quantized again")
    boolean allowRequantize;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    Integer threadsOption;

    @Override
    public Integer call() throws Exception {
        int threads = threads();
        OutputFile.check(output, input, imatrixFile, recipe, allocation.calibration);
        OutputFile.check(output, tensorTypeFiles.toArray(Path[]::new));
        try (GgufModel model = GgufModel.open(input)) {
            ModelQuantizer.checkSource(model);
            Allocation allocated = allocation();
            FileType fileType = allocated != null ? FileType.parse(allocated.fileType()).orElseThrow() : fileType();
            RecipeOptions options = RecipeOptions.DEFAULT.withPure(pure)
                    .withOutputType(outputType == null ? null
                            : TypeNames.tensorType(outputType, "--output-tensor-type"))
                    .withTokenEmbeddingType(tokenEmbeddingType == null ? null
                            : TypeNames.tensorType(tokenEmbeddingType, "--token-embedding-type"))
                    .withTensorTypes(TensorTypeOverrides.parse(tensorTypeRules()))
                    .withImatrix(imatrixFile != null);
            Imatrix imatrix = imatrixFile == null ? null : Imatrix.read(imatrixFile);
            String imatrixName = imatrixFile == null ? null : imatrixFile.toString();
            RecipePlan plan = new StockRecipe(fileType, options).plan(model);
            plan.warnings().forEach(System.err::println);
            System.out.println(describe(plan, pure));
            Map<String, GgmlType> types = new LinkedHashMap<>(plan.types());
            if (allocated != null) {
                types.putAll(allocated.types());
                System.out.println(recipeSource() + ": " + allocated.tensors().size() + " tensors placed, "
                        + allocated.fileBytes() + " bytes planned");
            }
            ModelQuantizer quantizer = new ModelQuantizer(t -> types.get(t.name()), fileType, imatrix, imatrixName,
                    allowRequantize, threads);
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

    /** The allocation asked for with --recipe or a budget, or null for a stock recipe. */
    private Allocation allocation() throws IOException {
        if (recipe != null && allocation.given()) {
            throw new UsageError("give either --recipe or a budget (--target-size, --target-bpw), not both");
        }
        if ((recipe != null || allocation.given()) && (typeOption != null || positionalType != null || pure)) {
            throw new UsageError("the recipe chooses the types: drop the TYPE and --pure");
        }
        if (recipe != null) {
            Allocation a = Allocation.read(recipe);
            if (a.imatrix() != null && imatrixFile == null) {
                System.err.println("warning: " + recipe + " was allocated with the imatrix " + a.imatrix()
                        + "; quantizing without one gives other errors than it planned for");
            }
            return a;
        }
        if (!allocation.given()) {
            return null;
        }
        if (imatrixFile == null) {
            throw new IllegalArgumentException("an allocation at a budget needs the model's --imatrix");
        }
        Allocation a = allocation.run(input, imatrixFile, tensorTypeRules(), threads());
        AllocationOptions.print(a);
        return a;
    }

    private String recipeSource() {
        return recipe != null ? "recipe " + recipe : "allocation";
    }

    private FileType fileType() {
        if (typeOption != null && positionalType != null) {
            throw new UsageError("give the type once: --type " + typeOption + " and " + positionalType);
        }
        if (typeOption == null && positionalType == null) {
            throw new UsageError("no type given: quantize IN OUT TYPE, or --type TYPE");
        }
        return typeOption != null ? TypeNames.fileType(typeOption, "--type") : TypeNames.fileType(positionalType, "TYPE");
    }

    private int threads() {
        if (threadsOption != null && positionalThreads != null) {
            throw new UsageError("give the threads once: --threads " + threadsOption + " and " + positionalThreads);
        }
        Integer n = threadsOption != null ? threadsOption : positionalThreads;
        if (n == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        OptionChecks.atLeast(threadsOption != null ? "--threads" : "THREADS", n, 1);
        return n;
    }

    /** --tensor-type rules and the rules of --tensor-type-file files, in the order they were given. */
    private List<String> tensorTypeRules() throws IOException {
        List<String> rules = new ArrayList<>();
        Iterator<String> inline = tensorTypes.iterator();
        Iterator<Path> files = tensorTypeFiles.iterator();
        for (ArgSpec arg : spec.commandLine().getParseResult().matchedArgs()) {
            if (arg instanceof OptionSpec o && o.longestName().equals("--tensor-type")) {
                rules.add(inline.next());
            } else if (arg instanceof OptionSpec o && o.longestName().equals("--tensor-type-file")) {
                rules.addAll(TensorTypeOverrides.readFile(files.next()));
            }
        }
        return rules;
    }

    /** One line: the recipe and how many tensors get each type. */
    private static String describe(RecipePlan plan, boolean pure) {
        Map<GgmlType, Long> counts = new TreeMap<>(plan.tensors().stream()
                .collect(Collectors.groupingBy(TensorInfo::type, Collectors.counting())));
        return plan.fileType() + (pure ? " --pure" : "") + ": " + counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
