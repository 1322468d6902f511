package org.bitclass.alloc;

import org.bitclass.calib.SensitivityAnalysis;
import org.bitclass.calib.TensorSensitivity;
import org.bitclass.eval.EvalChunks;
import org.bitclass.eval.EvalText;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ImatrixMatch;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.quant.QuantRegistry;
import org.bitclass.quant.QuantizableTensors;
import org.bitclass.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The bit allocator: measures once per model what every candidate type does to every weight matrix (the error
 * model) and what each matrix's error costs the model (the sensitivity), then, for any budget, places a type on
 * every matrix so that the predicted KL divergence is least, and measures the real one of the result and of the
 * stock recipe it competes with.
 */
public final class Allocator implements AutoCloseable {

    /**
     * @param chunks      calibration chunks measured on
     * @param contextSize tokens per chunk (the second half of each is scored)
     * @param probeType   the type a tensor is quantized to, alone, to measure its sensitivity
     */
    public record Options(int chunks, int contextSize, GgmlType probeType, int threads) {
    }

    /** Hears of each long stage and of each step within it. */
    public interface Listener {
        void stage(String name, int steps);

        void step(String detail);
    }

    private final Path modelPath;
    private final GgufModel model;
    private final Imatrix imatrix;
    private final String imatrixName;
    private final Options options;
    private final Listener listener;
    private final List<TensorInfo> placed;
    private final Map<String, List<TypeOption>> errors = new LinkedHashMap<>();
    private final QuantizedVariants variants;
    private CalibrationSet calibration;

    public Allocator(Path modelPath, Imatrix imatrix, String imatrixName, Options options, Listener listener)
            throws IOException {
        this.modelPath = modelPath;
        this.model = GgufModel.open(modelPath);
        this.imatrix = imatrix;
        this.imatrixName = imatrixName;
        this.options = options;
        this.listener = listener;
        this.placed = model.tensors().stream().filter(QuantizableTensors::allowsQuantization)
                .sorted(QuantizableTensors.LLAMA_ORDER).toList();
        this.variants = new QuantizedVariants(modelPath, imatrix, options.threads());
        checkImatrix();
    }

    /** Refuses, before any work, an imatrix made for another model. */
    private void checkImatrix() {
        if (imatrix == null) {
            return;
        }
        try {
            ImatrixMatch.check(imatrix, imatrixName, model);
        } catch (IllegalArgumentException e) {
            close();
            throw e;
        }
    }

    public GgufModel model() {
        return model;
    }

    /** The weight matrices the allocator places, in llama.cpp's order. */
    public List<TensorInfo> placed() {
        return placed;
    }

    /** Measures every candidate type of every placed tensor, in parallel; the figures do not depend on threads. */
    public Map<String, List<TypeOption>> errors() throws IOException {
        if (!errors.isEmpty()) {
            return errors;
        }
        int alignment = model.parts().getFirst().alignment();
        listener.stage("errors", placed.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(options.threads())) {
            List<Future<List<TypeOption>>> jobs = new ArrayList<>();
            for (TensorInfo t : placed) {
                jobs.add(pool.submit(() -> {
                    List<TypeOption> o = TensorErrors.measure(model, t, TensorErrors.importance(imatrix, t),
                            TensorErrors.SAMPLE_ROWS, alignment);
                    listener.step(t.name());
                    return o;
                }));
            }
            for (int i = 0; i < placed.size(); i++) {
                errors.put(placed.get(i).name(), jobs.get(i).get());
            }
        } catch (InterruptedException | ExecutionException e) {
            throw unwrap(e);
        }
        return errors;
    }

    /**
     * The sensitivity table for the calibration text: read from {@code cache} when it was made from the same
     * inputs, else measured (one probe per tensor) and stored there.
     */
    public SensitivityTable sensitivity(Path calibrationText, Path cache) throws IOException {
        String key = String.format(Locale.ROOT, "%s|%d|%s|%d|%s|%d|%d|%s", modelPath.toAbsolutePath().normalize(),
                Files.size(modelPath), calibrationText.toAbsolutePath().normalize(), Files.size(calibrationText),
                imatrixName, options.chunks(), options.contextSize(), options.probeType());
        if (cache != null) {
            var cached = SensitivityTable.readIfCurrent(cache, key);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        errors();
        calibrate(calibrationText);
        Map<String, Double> hessian = imatrix == null ? Map.of() : SensitivityAnalysis.analyze(model, imatrix)
                .tensors().stream().collect(Collectors.toMap(TensorSensitivity::name, TensorSensitivity::sensitivity));
        listener.stage("probes", placed.size());
        List<TensorProbe> probes = new ArrayList<>();
        for (TensorInfo t : placed) {
            GgmlType type = QuantRegistry.fallbackFor(options.probeType(), t.rowLength());
            double kld;
            try (LanguageModel m = variants.open(Map.of(t.name(), type))) {
                kld = calibration.meanKld(m, firstBlockReading(t, m.layerCount()));
            }
            double error = errors.get(t.name()).stream().filter(o -> o.type() == type).findFirst().orElseThrow().error();
            int layer = QuantizableTensors.layerOf(t.name());
            probes.add(new TensorProbe(t.name(), layer, role(t), hessian.getOrDefault(t.name(), 0.0), type.name(), error, kld));
            listener.step(String.format(Locale.ROOT, "%s KLD %.5f", t.name(), kld));
        }
        double rho = probes.size() < 2 ? Double.NaN : Spearman.correlation(
                probes.stream().mapToDouble(TensorProbe::hessian).toArray(),
                probes.stream().mapToDouble(TensorProbe::probeKld).toArray());
        SensitivityTable table = new SensitivityTable(SensitivityTable.SCHEMA, key, modelPath.toString(), imatrixName,
                calibrationText.toString(), calibration.chunkCount(), options.contextSize(), calibration.scoredTokens(),
                rho, probes);
        if (cache != null) {
            table.write(cache);
        }
        return table;
    }

    /**
     * A table weighing each tensor by its Hessian-diagonal figure alone (no calibration text): the damage of an
     * error is then {@code S·e}, the expected squared output error, in place of a measured KLD.
     */
    public SensitivityTable hessianSensitivity() throws IOException {
        if (imatrix == null) {
            throw new IllegalArgumentException("weighing tensors without a calibration text needs an imatrix");
        }
        errors();
        Map<String, Double> hessian = SensitivityAnalysis.analyze(model, imatrix).tensors().stream()
                .collect(Collectors.toMap(TensorSensitivity::name, TensorSensitivity::sensitivity));
        List<TensorProbe> probes = placed.stream().map(t -> new TensorProbe(t.name(), QuantizableTensors.layerOf(t.name()),
                role(t), hessian.getOrDefault(t.name(), 0.0), "none", 1, hessian.getOrDefault(t.name(), 0.0))).toList();
        return new SensitivityTable(SensitivityTable.SCHEMA, "hessian", modelPath.toString(), imatrixName, null, 0, 0, 0,
                1, probes);
    }

    private static String role(TensorInfo t) {
        return t.name().replaceFirst("^blk\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
    }

    /** The first block whose computation reads tensor {@code t}, or -1 for the token embedding. */
    private static int firstBlockReading(TensorInfo t, int layers) {
        int layer = QuantizableTensors.layerOf(t.name());
        if (layer >= 0) {
            return Math.min(layer, layers - 1);
        }
        return t.name().startsWith("token_embd") ? -1 : layers - 1;
    }

    private void calibrate(Path text) throws IOException {
        if (calibration != null) {
            return;
        }
        listener.stage("calibration", 1);
        Tokenizer tokenizer = Tokenizer.open(modelPath);
        int[] tokens = EvalText.tokenize(tokenizer, EvalText.read(text));
        EvalChunks chunks = EvalChunks.of(tokens, options.contextSize(), options.chunks(), EvalText.chunkStart(tokenizer));
        try (LanguageModel base = Models.open(modelPath, options.threads())) {
            calibration = new CalibrationSet(base, chunks);
        }
        listener.step(chunks.nChunk() + " chunks");
    }

    /**
     * The types that minimise the predicted KLD within {@code budgetBytes} of file.
     *
     * @param reference the plan (every tensor with a type) of the stock recipe the file type names: tensors the
     *                  allocator does not place keep their type from it
     * @param pins      types fixed by the user for some placed tensors
     */
    public Allocation allocate(SensitivityTable sensitivity, long budgetBytes, FileType fileType,
                               List<TensorInfo> reference, Map<String, GgmlType> pins) throws IOException {
        checkBudget(budgetBytes, fileType, reference, pins);
        Solver solver = problem(sensitivity, reference, pins);
        int[] choice = solver.solve(tensorBudget(budgetBytes, fileType, reference));
        return describe(plan(reference, solver, choice), fileType, budgetBytes, sensitivity, pins.keySet());
    }

    /**
     * The closed loop's repair: tries the {@code tries} pair swaps the model predicts best for {@code allocation},
     * measures each on the calibration tokens and keeps those that lower the measured KLD, within the budget.
     *
     * @param allocation a solved allocation with its measured KLD
     */
    public Allocation repair(Allocation allocation, SensitivityTable sensitivity,
                             List<TensorInfo> reference, Map<String, GgmlType> pins, Path calibrationText, int tries)
            throws IOException {
        FileType fileType = FileType.parse(allocation.fileType()).orElseThrow();
        Solver solver = problem(sensitivity, reference, pins);
        Map<String, GgmlType> types = allocation.types();
        int[] choice = new int[placed.size()];
        for (int i = 0; i < choice.length; i++) {
            GgmlType type = types.get(placed.get(i).name());
            choice[i] = solver.optionOf(i, type);
        }
        long budget = tensorBudget(allocation.budgetBytes(), fileType, reference);
        double best = allocation.measuredKld();
        listener.stage("repair", tries);
        for (int[] move : solver.pairMoves(choice, budget, tries)) {
            int[] trial = choice.clone();
            Solver.apply(move, trial);
            if (solver.bytes(trial) <= budget) {
                double kld = measure(calibrationText, typesOf(solver, trial));
                if (kld < best) {
                    best = kld;
                    choice = trial;
                }
            }
            listener.step(String.format(Locale.ROOT, "KLD %.6f", best));
        }
        return describe(plan(reference, solver, choice), fileType, allocation.budgetBytes(), sensitivity, pins.keySet())
                .withMeasured(best, allocation.stock(), allocation.stockBytes(), allocation.stockKld());
    }

    /** The solver's problem: every placed tensor with the options it may take and its price of error. */
    private Solver problem(SensitivityTable sensitivity, List<TensorInfo> reference, Map<String, GgmlType> pins)
            throws IOException {
        Map<String, List<TypeOption>> options = errors();
        Map<String, TensorProbe> probes = sensitivity.byName();
        Map<String, GgmlType> stockTypes = reference.stream().collect(Collectors.toMap(TensorInfo::name, TensorInfo::type));
        List<Solver.Item> items = new ArrayList<>();
        for (TensorInfo t : placed) {
            List<GgmlType> types = allowedTypes(t, pins, stockTypes);
            List<TypeOption> allowed = options.get(t.name()).stream().filter(o -> types.contains(o.type())).toList();
            TensorProbe probe = probes.get(t.name());
            if (probe == null) {
                throw new IllegalArgumentException("the sensitivity table has no entry for " + t.name());
            }
            items.add(new Solver.Item(t.name(), allowed, probe.slope()));
        }
        return new Solver(items);
    }

    /** The bytes the placed tensors may take: the budget less the header and every tensor not placed. */
    private long tensorBudget(long budgetBytes, FileType fileType, List<TensorInfo> reference) {
        return budgetBytes - (fileBytes(fileType, reference) - placedBytes(reference));
    }

    private static Map<String, GgmlType> typesOf(Solver solver, int[] choice) {
        Map<String, GgmlType> types = new LinkedHashMap<>();
        for (int i = 0; i < choice.length; i++) {
            Solver.Item item = solver.item(i);
            types.put(item.name(), item.options().get(choice[i]).type());
        }
        return types;
    }

    private static List<TensorInfo> plan(List<TensorInfo> reference, Solver solver, int[] choice) {
        Map<String, GgmlType> types = typesOf(solver, choice);
        return reference.stream().map(t -> t.withType(types.getOrDefault(t.name(), t.type()))).toList();
    }

    /**
     * Refuses, before any measurement, a budget below the smallest file the placed tensors can make (each at its
     * smallest candidate, or its pinned type).
     */
    public void checkBudget(long budgetBytes, FileType fileType, List<TensorInfo> reference, Map<String, GgmlType> pins) {
        Map<String, GgmlType> stock = reference.stream().collect(Collectors.toMap(TensorInfo::name, TensorInfo::type));
        Map<String, GgmlType> smallest = new HashMap<>();
        for (TensorInfo t : placed) {
            smallest.put(t.name(), allowedTypes(t, pins, stock).stream()
                    .min(java.util.Comparator.comparingLong(type -> type.bytesFor(t.nElements()))).orElseThrow());
        }
        long minimum = fileBytes(fileType, reference.stream()
                .map(t -> t.withType(smallest.getOrDefault(t.name(), t.type()))).toList());
        if (minimum > budgetBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the budget of %d bytes is too small: the smallest file this model can make is %d bytes",
                    budgetBytes, minimum));
        }
    }

    /** {@code plan} (every tensor with its type) as an allocation record, with the predictions for its types. */
    public Allocation asAllocation(RecipePlan plan, long budgetBytes, SensitivityTable sensitivity) throws IOException {
        return describe(plan.tensors(), plan.fileType(), budgetBytes, sensitivity, java.util.Set.of());
    }

    private Allocation describe(List<TensorInfo> plan, FileType fileType, long budgetBytes, SensitivityTable sensitivity,
                                java.util.Set<String> pinned) throws IOException {
        Map<String, List<TypeOption>> options = errors();
        Map<String, TensorProbe> probes = sensitivity.byName();
        Map<String, TensorInfo> byName = plan.stream().collect(Collectors.toMap(TensorInfo::name, t -> t));
        List<Allocation.Entry> entries = new ArrayList<>();
        double predicted = 0;
        for (TensorInfo t : placed) {
            GgmlType type = byName.get(t.name()).type();
            TypeOption o = options.get(t.name()).stream().filter(x -> x.type() == type).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(t.name() + " gets " + type + ", which the allocator does not measure"));
            double slope = probes.get(t.name()).slope();
            predicted += slope * o.error();
            entries.add(new Allocation.Entry(t.name(), type.name(), o.bytes(), o.error(), slope, pinned.contains(t.name())));
        }
        double predictedKld = sensitivity.chunks() > 0 ? predicted : Double.NaN;   // Hessian weights are no KLD
        return new Allocation(Allocation.SCHEMA, modelPath.toString(), imatrixName, fileType.name(), budgetBytes,
                fileBytes(fileType, plan), bpw(plan), predictedKld, Double.NaN, null, 0, Double.NaN, null, entries);
    }

    /**
     * The token embedding and output head: rows per vocabulary entry, of which a calibration text exercises only the
     * tokens it contains. Text unlike the calibration finds them several times more sensitive than the probe says
     * (docs/allocation.md), so they are not placed below the stock recipe's type for them.
     */
    private static boolean isVocabulary(TensorInfo t) {
        return t.name().equals("token_embd.weight") || t.name().equals("output.weight");
    }

    /**
     * The types the solver may give {@code t}: its pinned type (after llama.cpp's fallback), or every candidate its
     * rows allow, for the vocabulary tensors none smaller than the stock recipe's.
     */
    private static List<GgmlType> allowedTypes(TensorInfo t, Map<String, GgmlType> pins, Map<String, GgmlType> stock) {
        GgmlType pin = pins.get(t.name());
        if (pin != null) {
            GgmlType type = QuantRegistry.fallbackFor(pin, t.rowLength());
            if (!TensorErrors.candidates(t.rowLength()).contains(type)) {
                throw new IllegalArgumentException("--tensor-type gives " + t.name() + " the type " + pin
                        + ", which the allocator does not place");
            }
            return List.of(type);
        }
        List<GgmlType> all = TensorErrors.candidates(t.rowLength());
        GgmlType floor = stock.get(t.name());
        if (!isVocabulary(t) || floor == null) {
            return all;
        }
        List<GgmlType> kept = all.stream().filter(type -> type.bytesFor(t.nElements()) >= floor.bytesFor(t.nElements())).toList();
        return kept.isEmpty() ? all : kept;
    }

    /** The size of the file {@code plan} makes as {@code fileType}, header and padding included. */
    public long fileBytes(FileType fileType, List<TensorInfo> plan) {
        ModelQuantizer q = new ModelQuantizer(t -> t.type(), fileType, imatrix, imatrixName, true, 1);
        return GgufWriter.fileSize(q.metadata(model.metadata()), plan);
    }

    private long placedBytes(List<TensorInfo> plan) {
        int alignment = model.parts().getFirst().alignment();
        return plan.stream().filter(QuantizableTensors::allowsQuantization)
                .mapToLong(t -> TensorErrors.padTo(t.nBytes(), alignment)).sum();
    }

    /** Bits per weight as llama-quantize prints them: tensor bytes over elements. */
    public static double bpw(List<TensorInfo> plan) {
        long bytes = plan.stream().mapToLong(TensorInfo::nBytes).sum();
        long elements = plan.stream().mapToLong(TensorInfo::nElements).sum();
        return 8.0 * bytes / elements;
    }

    /** The mean KLD on the calibration tokens of the model with the placed tensors typed as {@code types}. */
    public double measure(Path calibrationText, Map<String, GgmlType> types) throws IOException {
        calibrate(calibrationText);
        try (LanguageModel m = variants.open(types)) {
            return calibration.meanKld(m, -1);
        }
    }

    private static IOException unwrap(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new IOException("interrupted", e);
        }
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        return cause instanceof IOException io ? io : new IOException(cause);
    }

    @Override
    public void close() {
        variants.close();
        model.close();
    }
}
