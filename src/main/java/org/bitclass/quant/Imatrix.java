package org.bitclass.quant;

import org.bitclass.gguf.TensorInfo;
import org.bitclass.io.RunInputs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An importance matrix as llama-imatrix writes it and llama-quantize reads it: per weight tensor, the summed
 * squared activations of each input column ({@code sums}, {@code ne0} values per matrix, experts one after
 * another) and how many activations went into each matrix ({@code counts}).
 * <p>
 * Two file formats hold it. The GGUF format keeps the raw sums and counts. The legacy {@code .dat} format
 * stores per value {@code sum / count * ncall} and one {@code ncall} (chunks) per tensor; such an imatrix is
 * kept as read ({@link #isLegacy()}), with {@code counts = {ncall}}, so that the importance llama-quantize
 * derives from it is reproduced bit for bit.
 * <p>
 * An entry may also carry the per-column sums of the activations themselves (stored as {@code <name>.in_sum} by
 * {@code bitclass imatrix --with-mean}). llama.cpp defines no such tensor; its loader keeps only names ending in
 * {@code .in_sum2} and {@code .counts}, so it ignores them.
 */
public final class Imatrix {

    /** Tensor names in the byte order of their UTF-8 form, as llama.cpp sorts std::string keys. */
    private static final Comparator<String> BYTE_ORDER = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /**
     * One tensor's statistics. For GGUF-origin data {@code sums.length} is a multiple of {@code counts.length}
     * (one count per matrix); for legacy data {@code counts} holds the single {@code ncall}. {@code inputSums}
     * (the per-column sums of the activations, laid out like {@code sums}) is null when not collected.
     */
    public record Entry(float[] sums, long[] counts, float[] inputSums) {
        public Entry {
            sums = sums.clone();
            counts = counts.clone();
            if (inputSums != null) {
                if (inputSums.length != sums.length) {
                    throw new IllegalArgumentException(inputSums.length + " input sums for " + sums.length + " columns");
                }
                inputSums = inputSums.clone();
            }
        }

        /** Squared sums and counts only, as llama-imatrix collects them. */
        public Entry(float[] sums, long[] counts) {
            this(sums, counts, null);
        }

        @Override
        public float[] sums() {
            return sums.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        /** The per-column sums of the activations, or null when they were not collected. */
        @Override
        public float[] inputSums() {
            return inputSums == null ? null : inputSums.clone();
        }

        /** Matrices (experts) in a GGUF-origin entry; 1 for a legacy entry. */
        public int matrixCount() {
            return counts.length;
        }
    }

    private final SortedMap<String, Entry> entries;
    private final List<String> datasets;
    private final int chunkCount;
    private final int chunkSize;
    private final boolean legacy;

    private Imatrix(SortedMap<String, Entry> entries, List<String> datasets, int chunkCount, int chunkSize,
                    boolean legacy) {
        this.entries = Collections.unmodifiableSortedMap(entries);
        this.datasets = List.copyOf(datasets);
        this.chunkCount = chunkCount;
        this.chunkSize = chunkSize;
        this.legacy = legacy;
    }

    /** Raw statistics (GGUF form), e.g. from an imatrix collector. */
    public static Imatrix of(Map<String, Entry> entries, List<String> datasets, int chunkCount, int chunkSize) {
        for (var e : entries.entrySet()) {
            Entry v = e.getValue();
            if (v.counts.length == 0 || v.sums.length % v.counts.length != 0) {
                throw new IllegalArgumentException("imatrix entry '" + e.getKey() + "' has " + v.sums.length
                        + " sums, not a whole number per each of its " + v.counts.length + " counts");
            }
        }
        SortedMap<String, Entry> sorted = sortedByName();
        sorted.putAll(entries);
        return new Imatrix(sorted, datasets, chunkCount, chunkSize, false);
    }

    /** Legacy statistics: values already scaled to {@code ncall}, which each entry's single count holds. */
    static Imatrix legacy(SortedMap<String, Entry> entries, List<String> datasets, int chunkCount) {
        return new Imatrix(entries, datasets, chunkCount, 0, true);
    }

    /** An empty map ordered as llama.cpp orders imatrix entries. */
    static <V> SortedMap<String, V> sortedByName() {
        return new TreeMap<>(BYTE_ORDER);
    }

    /** Reads either format, recognising GGUF by its magic as llama.cpp does. */
    public static Imatrix read(Path path) throws IOException {
        RunInputs.add(path);
        byte[] magic;
        try (InputStream in = Files.newInputStream(path)) {
            magic = in.readNBytes(4);
        }
        return Arrays.equals(magic, "GGUF".getBytes(StandardCharsets.US_ASCII))
                ? ImatrixGgufFormat.read(path) : ImatrixDatFormat.read(path);
    }

    /** Tensor names, sorted. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    public Optional<Entry> entry(String tensorName) {
        return Optional.ofNullable(entries.get(tensorName));
    }

    /** Number of entries (llama-quantize records it as {@code quantize.imatrix.entries_count}). */
    public int entryCount() {
        return entries.size();
    }

    public List<String> datasets() {
        return datasets;
    }

    public int chunkCount() {
        return chunkCount;
    }

    /** Tokens per chunk; 0 when unknown (the legacy format does not store it). */
    public int chunkSize() {
        return chunkSize;
    }

    /** Whether this came from a legacy {@code .dat} file (sums scaled to {@code ncall}, one count). */
    public boolean isLegacy() {
        return legacy;
    }

    /** The same statistics with a known chunk size (needed to convert legacy data to GGUF form). */
    public Imatrix withChunkSize(int newChunkSize) {
        return new Imatrix(new TreeMap<>(entries), datasets, chunkCount, newChunkSize, legacy);
    }

    /**
     * The importance weights llama-quantize uses for a tensor: per column the mean squared activation,
     * {@code ne0} values per matrix, matrices (experts) one after another; a matrix that saw no activations
     * gets all ones. Empty when the imatrix has no entry for the tensor.
     */
    public Optional<float[]> importance(String tensorName) {
        Entry e = entries.get(tensorName);
        return e == null ? Optional.empty() : Optional.of(legacy ? legacyImportance(e) : meanImportance(e));
    }

    /**
     * The importance llama-quantize applies to {@code tensor}: empty when the imatrix has no entry for it;
     * the entry when it holds {@code ne0 * ne2} values; for a token embedding of another size also empty
     * (llama-quantize just notes it), for any other tensor of another size an error, as llama-quantize aborts.
     */
    public Optional<float[]> importanceFor(TensorInfo tensor) {
        Optional<float[]> found = importance(tensor.name());
        if (found.isEmpty()) {
            return found;
        }
        long expected = tensor.rowLength() * tensor.dim(2);
        if (found.get().length == expected) {
            return found;
        }
        if (tensor.name().equals("token_embd.weight") || tensor.name().equals("per_layer_token_embd.weight")) {
            return Optional.empty();
        }
        throw new IllegalArgumentException("imatrix size " + found.get().length
                + " is different from tensor size " + expected + " for " + tensor.name());
    }

    private static float[] meanImportance(Entry e) {
        int perMatrix = e.sums.length / e.counts.length;
        float[] out = new float[e.sums.length];
        for (int m = 0; m < e.counts.length; m++) {
            float count = e.counts[m];
            for (int i = m * perMatrix; i < (m + 1) * perMatrix; i++) {
                out[i] = count > 0 ? e.sums[i] / count : 1;
            }
        }
        return out;
    }

    private static float[] legacyImportance(Entry e) {
        long ncall = e.counts[0];
        if (ncall <= 0) {
            return e.sums.clone();
        }
        float divisor = ncall;
        float[] out = new float[e.sums.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = e.sums[i] / divisor;
        }
        return out;
    }

    /**
     * Writes llama.cpp's GGUF imatrix format. Legacy data is first converted the way llama-imatrix does when it
     * loads a {@code .dat} file (sums and counts times the chunk size), which needs a known chunk size. Input sums,
     * where present, follow an entry's counts as {@code <name>.in_sum}.
     */
    public void writeGguf(Path path) throws IOException {
        ImatrixGgufFormat.write(legacy ? rawFromLegacy() : entries, datasets, chunkCount, chunkSize, path);
    }

    private SortedMap<String, Entry> rawFromLegacy() {
        requireChunkSize("GGUF");
        SortedMap<String, Entry> raw = sortedByName();
        float scale = chunkSize;
        for (var e : entries.entrySet()) {
            float[] sums = e.getValue().sums();
            for (int i = 0; i < sums.length; i++) {
                sums[i] *= scale;
            }
            raw.put(e.getKey(), new Entry(sums, new long[]{e.getValue().counts[0] * chunkSize}));
        }
        return raw;
    }

    private void requireChunkSize(String target) {
        if (chunkSize <= 0) {
            throw new IllegalStateException("the imatrix chunk size is unknown (legacy .dat files do not store it);"
                    + " set it with withChunkSize() before writing the " + target + " format");
        }
    }

    /**
     * Writes the legacy {@code .dat} format as llama-imatrix {@code --output-format dat} does: entries without
     * any activations are skipped, matrices without activations are stored as ones, each value is
     * {@code sum / count * ncall} with {@code ncall} the chunks covering the largest count, and the tail names
     * the last dataset. The format has no place for input sums; they are left out.
     */
    public void writeDat(Path path) throws IOException {
        List<ImatrixDatFormat.StoredEntry> stored = new ArrayList<>();
        for (var e : entries.entrySet()) {
            Entry v = e.getValue();
            if (legacy) {
                stored.add(new ImatrixDatFormat.StoredEntry(e.getKey(), (int) v.counts[0], v.sums));
            } else if (Arrays.stream(v.counts).anyMatch(c -> c != 0)) {
                requireChunkSize("legacy .dat");
                long maxCount = Arrays.stream(v.counts).max().orElseThrow();
                int ncall = (int) ((maxCount + chunkSize - 1) / chunkSize);
                stored.add(new ImatrixDatFormat.StoredEntry(e.getKey(), ncall, scaledMeans(v, ncall)));
            }
        }
        ImatrixDatFormat.write(stored, chunkCount, datasets.isEmpty() ? null : datasets.getLast(), path);
    }

    private static float[] scaledMeans(Entry v, int ncall) {
        int perMatrix = v.sums.length / v.counts.length;
        float calls = ncall;
        float[] out = new float[v.sums.length];
        for (int i = 0; i < out.length; i++) {
            float count = v.counts[i / perMatrix];
            float value = v.sums[i];
            if (count == 0) {
                value = 1;
                count = 1;
            }
            out[i] = value / count * calls;
        }
        return out;
    }
}
