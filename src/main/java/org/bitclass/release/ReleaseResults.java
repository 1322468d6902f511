package org.bitclass.release;

import org.bitclass.eval.Estimate;
import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code results.json}: every figure of a release with the command that reproduces it (schema in docs/release.md).
 * Built from {@link ReleaseData} only, so a resumed run writes the same document; {@code timings} is the one part
 * that depends on the run.
 */
public record ReleaseResults(String schema, String name, String tool, ReleaseData.ModelFacts model, Texts texts,
                             Imatrix imatrix, BaseScores base, List<DownstreamScore> originalTasks,
                             List<Level> levels, Recommendation recommended,
                             Findings findings, Environment environment, Map<String, Double> timings) {

    public static final String SCHEMA = "bitclass.release/1";
    public static final String FILE = "results.json";

    /** Levels at or under this mean KLD against the original are recommended, the smallest first. */
    static final double RECOMMENDED_KLD = 0.01;

    public record Text(String file, long bytes, long tokens) {
    }

    /** @param evalChunks chunks of {@code contextSize} tokens scored, the second half of each */
    public record Texts(Text calibration, Text eval, int evalChunks, int contextSize, long scoredTokens) {
    }

    /** @param source "computed" (with its pass's perplexity) or "given" */
    public record Imatrix(String file, String source, Integer chunks, Estimate ppl, String command) {
    }

    /**
     * One level, head to head.
     *
     * @param budgetSource "stock" (the size of llama-quantize's recipe of the level) or "--size"
     * @param kldChange    BitClass's mean KLD over the stock file's, less one
     * @param recipe       the allocation's types ({@code recipes/…json}) and the command that chooses them
     * @param note         what the allocator's closed loop decided, when it kept the stock recipe
     * @param bitclassTasks the BitClass file's downstream scores, in the order of {@code originalTasks}
     */
    public record Level(String level, long budgetBytes, String budgetSource, Scores bitclass, Scores stock,
                        double kldChange, String useCase, String recipe, String recipeCommand,
                        String bitclassCommand, String stockCommand, String note,
                        List<DownstreamScore> bitclassTasks, List<DownstreamScore> stockTasks) {
    }

    public record Recommendation(String level, String rule) {
    }

    public record Environment(String os, String cpu, int cores, String java, int threads) {
    }

    static ReleaseResults of(ReleaseData d, String tool) throws IOException {
        ReleaseSpec s = d.spec();
        String model = s.model().getFileName().toString();
        String imatrixFile = s.imatrixFileName();
        Text calib = s.calibration() == null ? null
                : new Text(s.calibration().getFileName().toString(), Files.size(s.calibration()), d.calibTokens());
        Text eval = new Text(s.eval().getFileName().toString(), Files.size(s.eval()), d.evalTokens());
        Imatrix imatrix = d.calibration() == null ? new Imatrix(imatrixFile, "given", null, null, null)
                : new Imatrix(imatrixFile, "computed", d.calibration().chunks(), d.calibration().ppl(),
                "bitclass imatrix " + model + " -f " + calib.file() + " -c " + ReleaseSpec.CONTEXT
                        + (s.calibChunks() < 0 ? "" : " --chunks " + s.calibChunks()) + " -o " + imatrixFile);
        List<Level> levels = d.levels().stream().map(l -> {
            String n = l.level().name();
            String recipe = ReleaseData.recipe(s, l.level());
            String allocate = "bitclass allocate " + model + " --imatrix " + imatrixFile
                    + (calib == null ? "" : " --calib " + calib.file() + " --chunks " + s.probeChunks())
                    + " --target-size " + (l.budgetGiven() ? Long.toString(l.budgetBytes()) : n) + " -o " + recipe;
            return new Level(n, l.budgetBytes(), l.budgetGiven() ? "--size" : "stock", l.ours(), l.stock(),
                    l.ours().kld().value() / l.stock().kld().value() - 1, useCase(l.ours().kld().value()), recipe,
                    allocate, "bitclass quantize " + model + " " + s.fileName(l.level()) + " --recipe " + recipe
                    + " --imatrix " + imatrixFile, "bitclass quantize " + model + " " + s.stockFileName(l.level())
                    + " " + n + " --imatrix " + imatrixFile, l.recipe().note(), l.oursTasks(), l.stockTasks());
        }).toList();
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put(ReleaseData.SENSITIVITY, "bitclass sensitivity " + model + " --imatrix " + imatrixFile + " --json "
                + ReleaseData.SENSITIVITY);
        sources.put(ReleaseData.HEALTH, "bitclass health " + model + " --json " + ReleaseData.HEALTH);
        if (d.probes() != null) {
            sources.put(ReleaseData.PROBES, "bitclass allocate " + model + " --imatrix " + imatrixFile + " --calib "
                    + calib.file() + " --chunks " + s.probeChunks() + " --sensitivity " + ReleaseData.PROBES
                    + " --target-size Q4_K_M -o recipe.json");
        }
        return new ReleaseResults(SCHEMA, s.name(), tool, d.model(), new Texts(calib, eval, d.base().chunks(),
                ReleaseSpec.CONTEXT, d.base().tokens()), imatrix, d.base(), d.originalTasks(), levels, recommend(levels),
                Findings.of(d, sources), environment(s.threads()), d.timings());
    }

    /** What a level is for, by how far its output distribution moves from the original's. */
    static String useCase(double kld) {
        if (kld <= 0.001) {
            return "near-lossless: when quality matters most and memory allows";
        }
        if (kld <= RECOMMENDED_KLD) {
            return "everyday use: close to the original at a fraction of its size";
        }
        if (kld <= 0.05) {
            return "tight memory: small but measurable drift from the original";
        }
        return "smallest footprint: expect visible quality loss";
    }

    static Recommendation recommend(List<Level> levels) {
        String rule = String.format(Locale.ROOT, "the smallest BitClass file whose mean KL divergence from the original"
                + " on the eval text is at most %.2f; when none is, the one with the lowest", RECOMMENDED_KLD);
        Level best = levels.stream().filter(l -> l.bitclass().kld().value() <= RECOMMENDED_KLD)
                .min(Comparator.comparingLong(l -> l.bitclass().fileBytes()))
                .orElseGet(() -> levels.stream().min(Comparator.comparingDouble(l -> l.bitclass().kld().value()))
                        .orElseThrow());
        return new Recommendation(best.level(), rule);
    }

    private static Environment environment(int threads) {
        return new Environment(System.getProperty("os.name") + " " + System.getProperty("os.arch"), cpuModel(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), threads);
    }

    /** The CPU's model name on Linux, else the architecture. */
    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    void write(Path path) throws IOException {
        OutputFile.write(path, temp -> Json.MAPPER.writeValue(temp.toFile(), this));
    }
}
