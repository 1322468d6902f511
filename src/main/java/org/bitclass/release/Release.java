package org.bitclass.release;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitclass.alloc.Allocation;
import org.bitclass.alloc.Allocator;
import org.bitclass.alloc.Budget;
import org.bitclass.alloc.RecipeOptions;
import org.bitclass.alloc.RecipePlan;
import org.bitclass.alloc.SensitivityTable;
import org.bitclass.alloc.StockRecipe;
import org.bitclass.alloc.TargetAllocation;
import org.bitclass.calib.BatchSchedule;
import org.bitclass.calib.ImatrixCalibration;
import org.bitclass.calib.SensitivityAnalysis;
import org.bitclass.eval.EvalChunks;
import org.bitclass.eval.EvalText;
import org.bitclass.eval.Estimate;
import org.bitclass.eval.KlDivergence;
import org.bitclass.eval.KldAccumulator;
import org.bitclass.eval.KldBaseReader;
import org.bitclass.eval.KldBaseWriter;
import org.bitclass.eval.KldStatistics;
import org.bitclass.eval.ModelLogits;
import org.bitclass.eval.NllAccumulator;
import org.bitclass.eval.Perplexity;
import org.bitclass.eval.health.HealthReport;
import org.bitclass.eval.health.HealthScan;
import org.bitclass.eval.tasks.TaskKind;
import org.bitclass.eval.tasks.TaskModel;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.io.OutputFile;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.quant.FileType;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.quant.QuantizableTensors;
import org.bitclass.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code bitclass release} as a pipeline of cached stages: the importance matrix, the sensitivity and health scans,
 * the original's logits on the eval text (and its downstream task scores), and per level the allocation, the two
 * files and their scores. Each stage
 * is keyed by its inputs (the user's files by identity, options, and the keys of the stages it reads), so a re-run
 * skips every stage whose key and files are unchanged. The reports (results.json, plots, the card) are rebuilt from
 * the stages' records every time.
 */
public final class Release implements AutoCloseable {

    /** Forward-pass tokens a downstream task costs, about: a shared context and a few choices of ~20 tokens. */
    private static final double TASK_TOKENS = 100;

    private final ReleaseSpec spec;
    private final ReleaseListener listener;
    private final StageStore store;
    private final Map<String, StageStore.Done> done = new LinkedHashMap<>();
    private final List<Stage> stages = new ArrayList<>();
    private final OptionalInt bos;
    private final EvalChunks evalChunks;
    private final long calibTokens;
    private final long matrices;
    private final Map<TaskKind, TaskKind.Scoring> taskSets = new EnumMap<>(TaskKind.class);
    private Allocator allocator;
    private Imatrix imatrix;

    /**
     * One unit of cached work; {@code weight} is its expected cost in forward-pass tokens of the model, for the time
     * estimate (the factors are what Minima's stages took relative to each other).
     */
    private record Stage(String id, String label, String key, double weight, Work work) {
    }

    @FunctionalInterface
    private interface Work {
        StageStore.Done run(String id, String key, long startNanos) throws IOException, InterruptedException;
    }

    private Release(ReleaseSpec spec, ReleaseListener listener) throws IOException {
        this.spec = spec;
        this.listener = listener;
        this.store = new StageStore(spec.out());
        Tokenizer tokenizer = Tokenizer.open(spec.model());
        this.bos = EvalText.chunkStart(tokenizer);
        this.evalChunks = EvalChunks.of(EvalText.tokenize(tokenizer, EvalText.read(spec.eval())), ReleaseSpec.CONTEXT,
                spec.evalChunks(), bos);
        this.calibTokens = spec.calibration() == null ? 0
                : EvalText.tokenize(tokenizer, EvalText.read(spec.calibration())).length;
        try (GgufModel m = GgufModel.open(spec.model())) {
            this.matrices = m.tensors().stream().filter(QuantizableTensors::allowsQuantization).count();
        }
        for (var task : spec.tasks().entrySet()) {
            // read now, so that a malformed file stops the run before any work; the lines llama-perplexity skips
            // are reported by the standalone command
            taskSets.put(task.getKey(), task.getKey().load(task.getValue(), 0, skipped -> { }));
        }
    }

    /**
     * Runs every stage not already done in {@code spec.out()} ({@code force}: every stage) and returns what the
     * reports are made from.
     */
    public static ReleaseData run(ReleaseSpec spec, boolean force, ReleaseListener listener)
            throws IOException, InterruptedException {
        try (Release r = new Release(spec, listener)) {
            if (force) {
                r.store.clear();
            }
            r.plan();
            r.runStages();
            return r.data();
        }
    }

    private void plan() throws IOException {
        String model = StageStore.identity(spec.model());
        String imatrixKey;
        if (spec.imatrix() != null) {
            imatrixKey = StageStore.key("imatrix-file", StageStore.identity(spec.imatrix()));
        } else {
            imatrixKey = StageStore.key("imatrix/1", model, StageStore.identity(spec.calibration()), spec.calibChunks());
            long chunks = calibTokens / ReleaseSpec.CONTEXT;
            add("imatrix", "importance matrix on " + spec.calibration().getFileName(), imatrixKey,
                    1.3 * (spec.calibChunks() < 0 ? chunks : Math.min(chunks, spec.calibChunks())) * ReleaseSpec.CONTEXT,
                    this::imatrix);
        }
        add("sensitivity", "sensitivity scan", StageStore.key("sensitivity/1", model, imatrixKey), 50,
                this::sensitivity);
        add("health", "health scan", StageStore.key("health/1", model), 300, this::health);
        String baseKey = StageStore.key("base/1", model, StageStore.identity(spec.eval()), spec.evalChunks());
        add("base", "original's logits on " + spec.eval().getFileName(), baseKey, evalTokens(), this::base);
        addTaskStages("original", "the original", model, spec.model());
        String weightsKey;
        if (spec.calibration() != null) {
            weightsKey = StageStore.key("probes/1", imatrixKey, StageStore.identity(spec.calibration()), spec.probeChunks());
            add("probes", "tensor KLD probes on " + spec.calibration().getFileName(), weightsKey,
                    matrices / 2.0 * probeTokens(), this::probes);   // each probe runs half the model on average
        } else {
            weightsKey = StageStore.key("hessian/1", imatrixKey);
        }
        for (FileType level : spec.levels()) {
            String n = level.name();
            String allocated = StageStore.key("allocate/1", weightsKey, n, spec.sizes().get(level));
            String ours = StageStore.key("quantize/1", allocated);
            String stock = StageStore.key("stock/1", model, imatrixKey, n);
            add("allocate-" + n, n + ": allocation", allocated, 7.0 * probeTokens(),
                    (id, key, t) -> allocate(level, id, key, t));
            add("quantize-" + n, n + ": BitClass file", ours, 500, (id, key, t) -> quantize(level, false, id, key, t));
            add("stock-" + n, n + ": stock file", stock, 500, (id, key, t) -> quantize(level, true, id, key, t));
            add("eval-" + n, n + ": scores of the BitClass file", StageStore.key("eval/1", ours, baseKey), 1.2 * evalTokens(),
                    (id, key, t) -> score(spec.out().resolve(spec.fileName(level)), id, key, t));
            add("eval-" + n + "-stock", n + ": scores of the stock file", StageStore.key("eval/1", stock, baseKey),
                    1.2 * evalTokens(), (id, key, t) -> score(spec.out().resolve(spec.stockFileName(level)), id, key, t));
            addTaskStages(n, n + ": the BitClass file", ours, spec.out().resolve(spec.fileName(level)));
            addTaskStages(n + "-stock", n + ": the stock file", stock, spec.out().resolve(spec.stockFileName(level)));
        }
    }

    /**
     * A stage per task file scoring {@code file}, whose own stage (or identity, for the original) is
     * {@code fileKey}; ids are {@code tasks-<task>-<suffix>}.
     */
    private void addTaskStages(String suffix, String what, String fileKey, Path file) throws IOException {
        for (var task : taskSets.entrySet()) {
            TaskKind kind = task.getKey();
            String key = StageStore.key("tasks/1", kind, StageStore.identity(spec.tasks().get(kind)), fileKey);
            add("tasks-" + kind.option() + "-" + suffix, kind.option() + " score of " + what, key,
                    TASK_TOKENS * task.getValue().tasks(), (id, k, t) -> taskScore(kind, file, id, k, t));
        }
    }

    private long probeTokens() {
        return (long) spec.probeChunks() * ReleaseSpec.CONTEXT;
    }

    private long evalTokens() {
        return (long) evalChunks.nChunk() * ReleaseSpec.CONTEXT;
    }

    private void add(String id, String label, String key, double weight, Work work) {
        stages.add(new Stage(id, label, key, weight, work));
    }

    private void runStages() throws IOException, InterruptedException {
        List<Stage> pending = new ArrayList<>();
        for (Stage s : stages) {
            var cached = store.current(s.id(), s.key());
            if (cached.isPresent()) {
                done.put(s.id(), cached.get());
            } else {
                pending.add(s);
            }
        }
        double weightLeft = pending.stream().mapToDouble(Stage::weight).sum();
        double weightRun = 0;
        double secondsRun = 0;
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            if (!pending.contains(s)) {
                listener.finished(i + 1, stages.size(), s.label(), done.get(s.id()).seconds(), true,
                        estimate(secondsRun, weightRun, weightLeft));
                continue;
            }
            long start = System.nanoTime();
            done.put(s.id(), s.work().run(s.id(), s.key(), start));
            double seconds = (System.nanoTime() - start) / 1e9;
            secondsRun += seconds;
            weightRun += s.weight();
            weightLeft -= s.weight();
            listener.finished(i + 1, stages.size(), s.label(), seconds, false, estimate(secondsRun, weightRun, weightLeft));
        }
    }

    /** Seconds left at the rate measured so far (NaN before any stage has run). */
    private static double estimate(double seconds, double weight, double weightLeft) {
        return weight > 0 ? seconds / weight * Math.max(0, weightLeft) : weightLeft <= 0 ? 0 : Double.NaN;
    }

    private StageStore.Done save(String id, String key, long start, List<Path> outputs, Object result) throws IOException {
        JsonNode node = result == null ? null : Json.MAPPER.valueToTree(result);
        return store.save(id, key, (System.nanoTime() - start) / 1e9, outputs, node);
    }

    // ---- stages ----

    private Path imatrixPath() {
        return spec.imatrix() != null ? spec.imatrix() : spec.out().resolve(spec.imatrixFileName());
    }

    private StageStore.Done imatrix(String id, String key, long start) throws IOException {
        Path target = imatrixPath();
        OutputFile.check(target, spec.model(), spec.calibration());
        var options = new ImatrixCalibration.Options(ReleaseSpec.CONTEXT, spec.calibChunks(), false, false, false);
        ImatrixCalibration.Result r = ImatrixCalibration.run(spec.model(), spec.calibration(),
                spec.calibration().getFileName().toString(), options, spec.threads(), new ImatrixCalibration.Listener() {
                    @Override
                    public void started(int chunks, BatchSchedule schedule) {
                        listener.phase("imatrix", chunks, "chunks");
                    }

                    @Override
                    public void chunkDone(int chunk, double ppl) {
                        listener.step(String.format(Locale.ROOT, "PPL %.4f", ppl));
                    }
                });
        r.imatrix().writeGguf(target);
        return save(id, key, start, List.of(target), new CalibrationFigures(r.chunks(), r.tokens(),
                new Estimate(r.perplexity(), r.perplexityError())));
    }

    /** The imatrix pass's own figures, for the card. */
    record CalibrationFigures(int chunks, long tokens, Estimate ppl) {
    }

    private StageStore.Done sensitivity(String id, String key, long start) throws IOException {
        Path target = spec.out().resolve(ReleaseData.SENSITIVITY);
        try (GgufModel m = GgufModel.open(spec.model())) {
            SensitivityAnalysis.analyze(m, imatrix()).writeJson(target);
        }
        return save(id, key, start, List.of(target), null);
    }

    private StageStore.Done health(String id, String key, long start) throws IOException, InterruptedException {
        Path target = spec.out().resolve(ReleaseData.HEALTH);
        try (GgufModel m = GgufModel.open(spec.model())) {
            listener.phase("health", HealthScan.scannable(m).size(), "tensors");
            HealthReport report = HealthScan.run(m, spec.threads(), () -> listener.step(""));
            var tree = report.toJson(spec.model().getFileName().toString());
            OutputFile.write(target, temp -> Json.MAPPER.writeValue(temp.toFile(), tree));
        }
        return save(id, key, start, List.of(target), null);
    }

    private StageStore.Done base(String id, String key, long start) throws IOException {
        Path target = spec.out().resolve(spec.baseFileName());
        OutputFile.check(target, spec.model(), spec.eval());
        NllAccumulator nll;
        try (LanguageModel lm = Models.open(spec.model(), spec.threads());
             KldBaseWriter writer = KldBaseWriter.create(target, evalChunks, lm.vocabSize())) {
            listener.phase("base", evalChunks.nChunk(), "chunks");
            nll = Perplexity.measureWritingBase(new ModelLogits(lm, ReleaseSpec.CONTEXT), evalChunks, writer,
                    (chunk, ppl) -> listener.step(String.format(Locale.ROOT, "PPL %.4f", ppl)));
            writer.commit();
        }
        long[] size = tensorSize(spec.model());
        String command = "bitclass perplexity " + spec.model().getFileName() + " -f " + spec.eval().getFileName()
                + " -c " + ReleaseSpec.CONTEXT + chunksOption() + " --kld-base " + target.getFileName();
        BaseScores scores = new BaseScores(target.getFileName().toString(), Files.size(spec.model()),
                8.0 * size[0] / size[1], evalChunks.nChunk(), ReleaseSpec.CONTEXT, nll.count(),
                new Estimate(nll.ppl(), nll.pplError().orElse(0)), command);
        return save(id, key, start, List.of(target), scores);
    }

    private String chunksOption() {
        return spec.evalChunks() < 0 ? "" : " --chunks " + spec.evalChunks();
    }

    private StageStore.Done probes(String id, String key, long start) throws IOException {
        Path target = spec.out().resolve(ReleaseData.PROBES);
        allocator().sensitivity(spec.calibration(), null).write(target);
        return save(id, key, start, List.of(target), null);
    }

    /** The importance matrix, read once: sensitivity, the allocator and every level's files use it. */
    private Imatrix imatrix() throws IOException {
        if (imatrix == null) {
            imatrix = Imatrix.read(imatrixPath());
        }
        return imatrix;
    }

    private Allocator allocator() throws IOException {
        if (allocator == null) {
            allocator = new Allocator(spec.model(), imatrix(), spec.imatrixFileName(),
                    new Allocator.Options(spec.probeChunks(), ReleaseSpec.CONTEXT, GgmlType.Q3_K, spec.threads()),
                    new Allocator.Listener() {
                        @Override
                        public void stage(String name, int steps) {
                            listener.phase(name, steps, "steps");
                        }

                        @Override
                        public void step(String detail) {
                            listener.step(detail);
                        }
                    });
        }
        return allocator;
    }

    private StageStore.Done allocate(FileType level, String id, String key, long start) throws IOException {
        Path recipe = spec.out().resolve(ReleaseData.recipe(spec, level));
        Path rules = spec.out().resolve(ReleaseData.rules(spec, level));
        Files.createDirectories(recipe.getParent());
        Allocator a = allocator();
        RecipeOptions options = RecipeOptions.DEFAULT.withImatrix(true);
        TargetAllocation.Target target = TargetAllocation.resolve(new Budget.Level(level), a, options);
        Long size = spec.sizes().get(level);
        if (size != null) {
            target = new TargetAllocation.Target(size, target.stock(), target.stockBytes());
        }
        a.checkBudget(target.fileBytes(), level, target.stock().tensors(), Map.of());
        SensitivityTable weights = spec.calibration() != null ? SensitivityTable.read(spec.out().resolve(ReleaseData.PROBES))
                : a.hessianSensitivity();
        Allocation allocation = TargetAllocation.run(a, weights, target, Map.of(), spec.calibration());
        allocation.write(recipe);
        allocation.writeTensorTypeFile(rules);
        return save(id, key, start, List.of(recipe, rules), null);
    }

    private StageStore.Done quantize(FileType level, boolean stock, String id, String key, long start) throws IOException {
        Path target = spec.out().resolve(stock ? spec.stockFileName(level) : spec.fileName(level));
        OutputFile.check(target, spec.model(), imatrixPath());
        try (GgufModel source = GgufModel.open(spec.model())) {
            RecipePlan plan = new StockRecipe(level, RecipeOptions.DEFAULT.withImatrix(true)).plan(source);
            Map<String, GgmlType> types = new LinkedHashMap<>(plan.types());
            if (!stock) {
                types.putAll(Allocation.read(spec.out().resolve(ReleaseData.recipe(spec, level))).types());
            }
            ModelQuantizer q = new ModelQuantizer(t -> types.get(t.name()), level, imatrix(),
                    spec.imatrixFileName(), false, spec.threads());
            listener.phase("quantize", source.tensors().size(), "tensors");
            q.quantize(source, target, (i, n, from, to) -> listener.step(from.name() + " -> " + to));
        }
        return save(id, key, start, List.of(target), null);
    }

    private StageStore.Done score(Path file, String id, String key, long start) throws IOException {
        Path basePath = spec.out().resolve(spec.baseFileName());
        KldAccumulator kld;
        try (KldBaseReader base = KldBaseReader.open(basePath);
             LanguageModel lm = Models.open(file, spec.threads())) {
            listener.phase("kl-divergence", base.nChunk(), "chunks");
            kld = KlDivergence.measure(new ModelLogits(lm, base.nCtx()), base, base.nChunk(), bos,
                    (chunk, soFar) -> listener.step(""));
        }
        KldStatistics s = kld.statistics();
        var d = kld.kldDistribution();
        long[] size = tensorSize(file);
        String command = "bitclass perplexity " + file.getFileName() + " --kld " + basePath.getFileName();
        Scores scores = new Scores(file.getFileName().toString(), Files.size(file), 8.0 * size[0] / size[1], s.count(),
                s.ppl(), s.lnPplRatio(), s.kld(), d.median(), d.percentile(0.999f), d.max(), s.sameTop(), s.pDiffRms(),
                command);
        return save(id, key, start, List.of(), scores);
    }

    private StageStore.Done taskScore(TaskKind kind, Path file, String id, String key, long start) throws IOException {
        TaskKind.Scoring tasks = taskSets.get(kind);
        DownstreamScore score;
        try (LanguageModel lm = Models.open(file, spec.threads())) {
            listener.phase(kind.option(), tasks.tasks(), "tasks");
            TaskModel model = new TaskModel(lm, Tokenizer.open(file), ReleaseSpec.CONTEXT);
            score = DownstreamScore.of(tasks.score(model, line -> { }, () -> listener.step("")),
                    file.getFileName().toString(), spec.tasks().get(kind).getFileName().toString());
        }
        return save(id, key, start, List.of(), score);
    }

    /** Tensor bytes and elements of a GGUF file. */
    private static long[] tensorSize(Path file) throws IOException {
        try (GgufModel m = GgufModel.open(file)) {
            return new long[]{m.tensors().stream().mapToLong(TensorInfo::nBytes).sum(),
                    m.tensors().stream().mapToLong(TensorInfo::nElements).sum()};
        }
    }

    // ---- what the reports are made of ----

    private ReleaseData data() throws IOException {
        Map<String, Double> timings = new LinkedHashMap<>();
        stages.forEach(s -> timings.put(s.id(), done.get(s.id()).seconds()));
        return ReleaseData.read(spec, done, calibTokens, evalChunks.tokens().length, timings);
    }

    @Override
    public void close() {
        if (allocator != null) {
            allocator.close();
        }
    }
}
