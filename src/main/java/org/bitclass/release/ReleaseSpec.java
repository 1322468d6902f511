package org.bitclass.release;

import org.bitclass.eval.tasks.TaskKind;
import org.bitclass.quant.FileType;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What to release and how.
 *
 * @param calibration calibration text (imatrix when none is given, and the allocator's KLD probes), or null
 * @param imatrix     an existing importance matrix of the model, or null to compute one from {@code calibration}
 * @param sizes       file-size budgets given for some levels; the others get the size of their stock recipe
 * @param calibChunks imatrix chunks of the calibration text (all when negative)
 * @param probeChunks calibration chunks the allocator measures KLD on
 * @param evalChunks  chunks of the eval text scored (all when negative)
 * @param tasks       downstream task files (llama-perplexity's formats) every file is also scored on; may be empty
 */
public record ReleaseSpec(Path model, Path calibration, Path imatrix, Path eval, List<FileType> levels, String name,
                          Map<FileType, Long> sizes, int calibChunks, int probeChunks, int evalChunks, int threads,
                          Path out, Map<TaskKind, Path> tasks) {

    /** Tokens per chunk, for the imatrix, the probes and the evaluation (llama.cpp's default). */
    public static final int CONTEXT = 512;

    public ReleaseSpec {
        levels = List.copyOf(levels);
        sizes = Map.copyOf(sizes);
        EnumMap<TaskKind, Path> ordered = new EnumMap<>(TaskKind.class);
        ordered.putAll(tasks);
        tasks = Collections.unmodifiableMap(ordered);
    }

    /** {@code <NAME>-<LEVEL>.gguf}: BitClass's file of a level. */
    public String fileName(FileType level) {
        return name + "-" + level.name() + ".gguf";
    }

    /** {@code <NAME>-<LEVEL>-stock.gguf}: llama-quantize's recipe of the level, same imatrix. */
    public String stockFileName(FileType level) {
        return name + "-" + level.name() + "-stock.gguf";
    }

    public String imatrixFileName() {
        return imatrix != null ? imatrix.getFileName().toString() : name + ".imatrix.gguf";
    }

    public String baseFileName() {
        return name + ".kld-base.bin";
    }
}
