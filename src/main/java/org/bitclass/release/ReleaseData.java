package org.bitclass.release;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitclass.alloc.Allocation;
import org.bitclass.alloc.SensitivityTable;
import org.bitclass.calib.SensitivityReport;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.QuantizableTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a release's reports are made from, read back from the folder's files and stage records (so that a
 * resumed run reports exactly what an uninterrupted one would).
 *
 * @param calibration the imatrix pass's figures, or null when the imatrix was given
 * @param probes      the allocator's measured tensor sensitivities, or null without a calibration text
 * @param health      health.json (docs/health.md)
 * @param originalTasks the original's downstream scores, one per task file (none without task files)
 * @param timings     seconds per stage, when it ran
 */
public record ReleaseData(ReleaseSpec spec, ModelFacts model, Release.CalibrationFigures calibration,
                          long calibTokens, long evalTokens, BaseScores base,
                          List<DownstreamScore> originalTasks, List<Level> levels,
                          SensitivityReport sensitivity, SensitivityTable probes, JsonNode health,
                          Map<String, Double> timings) {

    static final String SENSITIVITY = "sensitivity.json";
    static final String HEALTH = "health.json";
    static final String PROBES = "allocation-sensitivity.json";
    static final String RECIPES = "recipes";

    /** The model as its metadata describes it. */
    public record ModelFacts(String file, String architecture, String name, String license, long parameters,
                             int layers) {
    }

    /**
     * One level: the allocation, the type of every tensor in both files, and their scores.
     *
     * @param budgetBytes the size the allocation was given
     * @param oursTasks   the BitClass file's downstream scores, in the order of {@code originalTasks}
     */
    public record Level(FileType level, long budgetBytes, boolean budgetGiven, Allocation recipe,
                        Map<String, GgmlType> ourTypes, Map<String, GgmlType> stockTypes, Scores ours, Scores stock,
                        List<DownstreamScore> oursTasks, List<DownstreamScore> stockTasks) {
    }

    static String recipe(ReleaseSpec spec, FileType level) {
        return RECIPES + "/" + spec.name() + "-" + level.name() + ".json";
    }

    static String rules(ReleaseSpec spec, FileType level) {
        return RECIPES + "/" + spec.name() + "-" + level.name() + ".tensor-types.txt";
    }

    static ReleaseData read(ReleaseSpec spec, Map<String, StageStore.Done> done, long calibTokens, long evalTokens,
                            Map<String, Double> timings) throws IOException {
        Path out = spec.out();
        ModelFacts facts;
        try (GgufModel m = GgufModel.open(spec.model())) {
            GgufMetadata meta = m.metadata();
            String arch = meta.architecture();
            facts = new ModelFacts(spec.model().getFileName().toString(), arch,
                    meta.getString("general.name", spec.name()), meta.getString("general.license", null),
                    m.tensors().stream().mapToLong(TensorInfo::nElements).sum(),
                    meta.getInt(arch + ".block_count", 0));
        }
        Release.CalibrationFigures calibration = done.containsKey("imatrix")
                ? Json.MAPPER.treeToValue(done.get("imatrix").result(), Release.CalibrationFigures.class) : null;
        BaseScores base = Json.MAPPER.treeToValue(done.get("base").result(), BaseScores.class);
        List<Level> levels = new ArrayList<>();
        for (FileType level : spec.levels()) {
            String n = level.name();
            Allocation recipe = Allocation.read(out.resolve(recipe(spec, level)));
            levels.add(new Level(level, recipe.budgetBytes(), spec.sizes().containsKey(level), recipe,
                    types(out.resolve(spec.fileName(level))), types(out.resolve(spec.stockFileName(level))),
                    Json.MAPPER.treeToValue(done.get("eval-" + n).result(), Scores.class),
                    Json.MAPPER.treeToValue(done.get("eval-" + n + "-stock").result(), Scores.class),
                    tasks(spec, done, n), tasks(spec, done, n + "-stock")));
        }
        SensitivityReport sensitivity = SensitivityReport.readJson(out.resolve(SENSITIVITY));
        SensitivityTable probes = Files.exists(out.resolve(PROBES)) && spec.calibration() != null
                ? SensitivityTable.read(out.resolve(PROBES)) : null;
        JsonNode health = Json.MAPPER.readTree(out.resolve(HEALTH).toFile());
        return new ReleaseData(spec, facts, calibration, calibTokens, evalTokens, base,
                tasks(spec, done, "original"), List.copyOf(levels),
                sensitivity, probes, health, timings);
    }

    /** The downstream scores of one file, from the stages {@code tasks-<task>-<suffix>}. */
    private static List<DownstreamScore> tasks(ReleaseSpec spec, Map<String, StageStore.Done> done, String suffix)
            throws IOException {
        List<DownstreamScore> scores = new ArrayList<>();
        for (var kind : spec.tasks().keySet()) {
            scores.add(Json.MAPPER.treeToValue(done.get("tasks-" + kind.option() + "-" + suffix).result(),
                    DownstreamScore.class));
        }
        return scores;
    }

    /** The type of every tensor the quantizer may change, in a written file. */
    private static Map<String, GgmlType> types(Path file) throws IOException {
        Map<String, GgmlType> types = new LinkedHashMap<>();
        try (GgufModel m = GgufModel.open(file)) {
            for (TensorInfo t : m.tensors()) {
                if (QuantizableTensors.allowsQuantization(t)) {
                    types.put(t.name(), t.type());
                }
            }
        }
        return types;
    }
}
