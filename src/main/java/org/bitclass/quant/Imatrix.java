package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufArray;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TempFiles;
import org.bitclass.gguf.TensorInfo;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * Two file formats hold it. The GGUF format ({@code <name>.in_sum2} / {@code <name>.counts} tensors and
 * {@code imatrix.*} keys) keeps the raw sums and counts. The legacy {@code .dat} format stores per value
 * {@code sum / count * ncall} and one {@code ncall} (chunks) per tensor; such an imatrix is kept as read
 * ({@link #isLegacy()}), with {@code counts = {ncall}}, so that the importance llama-quantize derives from it
 * is reproduced bit for bit.
 * <p>
 * An entry may also carry the per-column sums of the activations themselves ({@code <name>.in_sum}, written by
 * {@code bitclass imatrix --with-mean}). llama.cpp defines no such tensor; its loader keeps only names ending in
 * {@code .in_sum2} and {@code .counts}, so it ignores them.
 */
public final class Imatrix {

    static final String IN_SUM2 = ".in_sum2";
    static final String IN_SUM = ".in_sum";
    static final String COUNTS = ".counts";
    static final String KEY_DATASETS = "imatrix.datasets";
    static final String KEY_CHUNK_COUNT = "imatrix.chunk_count";
    static final String KEY_CHUNK_SIZE = "imatrix.chunk_size";

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
        return new Imatrix(sorted(entries), datasets, chunkCount, chunkSize, false);
    }

    private static SortedMap<String, Entry> sorted(Map<String, Entry> entries) {
        SortedMap<String, Entry> map = new TreeMap<>(BYTE_ORDER);
        map.putAll(entries);
        return map;
    }

    /** Reads either format, recognising GGUF by its magic as llama.cpp does. */
    public static Imatrix read(Path path) throws IOException {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(magic, 0, 4);
        }
        if (n == 4 && Arrays.equals(magic, "GGUF".getBytes(StandardCharsets.US_ASCII))) {
            return readGguf(path);
        }
        return readDat(path);
    }

    /** Reads llama.cpp's GGUF imatrix format. */
    public static Imatrix readGguf(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            GgufMetadata meta = file.metadata();
            List<String> datasets = meta.contains(KEY_DATASETS)
                    && meta.getArray(KEY_DATASETS).elements() instanceof String[] names
                    ? List.of(names) : List.of();
            int chunkCount = meta.getInt(KEY_CHUNK_COUNT, 0);
            int chunkSize = meta.getInt(KEY_CHUNK_SIZE, 0);
            if (!meta.contains(KEY_DATASETS) || !meta.contains(KEY_CHUNK_COUNT) || !meta.contains(KEY_CHUNK_SIZE)) {
                throw new ImatrixFormatException(path, "missing imatrix metadata (" + KEY_DATASETS + ", "
                        + KEY_CHUNK_COUNT + ", " + KEY_CHUNK_SIZE + ")");
            }
            SortedMap<String, TensorInfo[]> pairs = new TreeMap<>(BYTE_ORDER);
            Map<String, TensorInfo> inputSums = new TreeMap<>();
            for (TensorInfo t : file.tensors()) {
                if (t.name().endsWith(IN_SUM2)) {
                    pairs.computeIfAbsent(stripSuffix(t.name(), IN_SUM2), k -> new TensorInfo[2])[0] = t;
                } else if (t.name().endsWith(COUNTS)) {
                    pairs.computeIfAbsent(stripSuffix(t.name(), COUNTS), k -> new TensorInfo[2])[1] = t;
                } else if (t.name().endsWith(IN_SUM)) {
                    inputSums.put(stripSuffix(t.name(), IN_SUM), t);
                }
            }
            if (pairs.isEmpty()) {
                throw new ImatrixFormatException(path, "no imatrix data in file");
            }
            SortedMap<String, Entry> entries = new TreeMap<>(BYTE_ORDER);
            for (var pair : pairs.entrySet()) {
                TensorInfo sums = pair.getValue()[0];
                TensorInfo counts = pair.getValue()[1];
                if (sums == null || counts == null) {
                    throw new ImatrixFormatException(path, "mismatched sums and counts for " + pair.getKey());
                }
                float[] s = readF32(file, sums, path);
                float[] c = readF32(file, counts, path);
                if (c.length == 0 || s.length % c.length != 0) {
                    throw new ImatrixFormatException(path, "entry " + pair.getKey() + " has " + s.length
                            + " sums for " + c.length + " counts");
                }
                long[] rounded = new long[c.length];
                for (int i = 0; i < c.length; i++) {
                    rounded[i] = roundHalfAway(c[i]);
                }
                TensorInfo sumsOfX = inputSums.get(pair.getKey());
                float[] x = sumsOfX == null ? null : readF32(file, sumsOfX, path);
                if (x != null && x.length != s.length) {
                    throw new ImatrixFormatException(path, "entry " + pair.getKey() + " has " + x.length
                            + " input sums for " + s.length + " sums of squares");
                }
                entries.put(pair.getKey(), new Entry(s, rounded, x));
            }
            return new Imatrix(entries, datasets, chunkCount, chunkSize, false);
        }
    }

    private static String stripSuffix(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    private static float[] readF32(GgufFile file, TensorInfo t, Path path) throws ImatrixFormatException {
        if (t.type() != GgmlType.F32) {
            throw new ImatrixFormatException(path, "tensor " + t.name() + " is " + t.type() + ", expected F32");
        }
        MemorySegment data = file.data(t);
        return data.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** C's lround for the float counts. */
    private static long roundHalfAway(float v) {
        return (long) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /** Reads the legacy {@code .dat} format; its optional tail holds the chunk count and one dataset name. */
    public static Imatrix readDat(Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        DatReader in = new DatReader(buf, path);
        int nEntries = in.int32("entry count");
        if (nEntries < 1) {
            throw new ImatrixFormatException(path, "no data in file");
        }
        SortedMap<String, Entry> entries = new TreeMap<>(BYTE_ORDER);
        for (int i = 0; i < nEntries; i++) {
            String name = in.string("name of entry " + (i + 1));
            int ncall = in.int32("call count of " + name);
            int nval = in.int32("value count of " + name);
            if (nval < 1) {
                throw new ImatrixFormatException(path, "entry " + name + " has " + nval + " values");
            }
            float[] values = in.floats(nval, "values of " + name);
            entries.put(name, new Entry(values, new long[]{ncall}));
        }
        int chunkCount = 0;
        List<String> datasets = new ArrayList<>();
        if (buf.remaining() >= Integer.BYTES) {
            chunkCount = buf.getInt();
            if (buf.remaining() >= Integer.BYTES) {
                int len = buf.getInt();
                if (len > 0 && buf.remaining() >= len) {
                    byte[] name = new byte[len];
                    buf.get(name);
                    datasets.add(new String(name, StandardCharsets.UTF_8));
                }
            }
        }
        return new Imatrix(entries, datasets, chunkCount, 0, true);
    }

    /** Sequential little-endian reads with messages that say what was being read. */
    private record DatReader(ByteBuffer buf, Path path) {
        int int32(String what) throws ImatrixFormatException {
            need(Integer.BYTES, what);
            return buf.getInt();
        }

        String string(String what) throws ImatrixFormatException {
            int len = int32(what);
            if (len < 0) {
                throw new ImatrixFormatException(path, "negative length of " + what);
            }
            need(len, what);
            byte[] b = new byte[len];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        float[] floats(int n, String what) throws ImatrixFormatException {
            need((long) n * Float.BYTES, what);
            float[] out = new float[n];
            buf.asFloatBuffer().get(out);
            buf.position(buf.position() + n * Float.BYTES);
            return out;
        }

        private void need(long n, String what) throws ImatrixFormatException {
            if (buf.remaining() < n) {
                throw new ImatrixFormatException(path, "file ends while reading " + what);
            }
        }
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

    /** The same statistics with a known chunk size (needed to convert legacy data to GGUF form and back). */
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
        SortedMap<String, Entry> raw = legacy ? rawFromLegacy() : entries;
        GgufMetadata meta = new GgufMetadata()
                .putString("general.type", "imatrix")
                .put(KEY_DATASETS, GgufValue.ofArray(GgufArray.ofStrings(datasets.toArray(String[]::new))))
                .putUInt32(KEY_CHUNK_COUNT, chunkCount)
                .putUInt32(KEY_CHUNK_SIZE, chunkSize);
        List<TensorInfo> tensors = new ArrayList<>();
        for (var e : raw.entrySet()) {
            int nmat = e.getValue().counts.length;
            int perMatrix = e.getValue().sums.length / nmat;
            // like ggml, a single matrix is written as a 1-D tensor (trailing dimensions of 1 are dropped)
            long[] valueShape = nmat == 1 ? new long[]{perMatrix} : new long[]{perMatrix, nmat};
            tensors.add(new TensorInfo(e.getKey() + IN_SUM2, valueShape, GgmlType.F32, 0));
            tensors.add(new TensorInfo(e.getKey() + COUNTS,
                    nmat == 1 ? new long[]{1} : new long[]{1, nmat}, GgmlType.F32, 0));
            if (e.getValue().inputSums != null) {
                tensors.add(new TensorInfo(e.getKey() + IN_SUM, valueShape, GgmlType.F32, 0));
            }
        }
        try (GgufWriter w = GgufWriter.create(path, meta, tensors)) {
            for (Entry e : raw.values()) {
                w.append(littleEndian(e.sums));
                float[] counts = new float[e.counts.length];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = e.counts[i];
                }
                w.append(littleEndian(counts));
                if (e.inputSums != null) {
                    w.append(littleEndian(e.inputSums));
                }
            }
            w.commit();
        }
    }

    private SortedMap<String, Entry> rawFromLegacy() {
        requireChunkSize("GGUF");
        SortedMap<String, Entry> raw = new TreeMap<>(BYTE_ORDER);
        float scale = chunkSize;
        for (var e : entries.entrySet()) {
            float[] sums = e.getValue().sums.clone();
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
     * any activations are skipped, matrices without activations are stored as ones, and each value is
     * {@code sum / count * ncall} with {@code ncall} the chunks covering the largest count. The format has no
     * place for input sums; they are left out.
     */
    public void writeDat(Path path) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        int stored = 0;
        for (var e : entries.entrySet()) {
            Entry v = e.getValue();
            int ncall;
            float[] values;
            if (legacy) {
                ncall = (int) v.counts[0];
                values = v.sums;
            } else {
                if (Arrays.stream(v.counts).allMatch(c -> c == 0)) {
                    continue;
                }
                requireChunkSize("legacy .dat");
                long maxCount = Arrays.stream(v.counts).max().orElseThrow();
                ncall = (int) ((maxCount + chunkSize - 1) / chunkSize);
                values = scaledMeans(v, ncall);
            }
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(12 + name.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(name.length).put(name).putInt(ncall).putInt(values.length);
            b.asFloatBuffer().put(values);
            parts.add(b.array());
            stored++;
        }
        byte[] dataset = datasets.isEmpty() ? new byte[0]
                : datasets.getLast().getBytes(StandardCharsets.UTF_8);
        ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(stored);
        ByteBuffer tail = ByteBuffer.allocate(8 + dataset.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(chunkCount).putInt(dataset.length).put(dataset);
        Path temp = TempFiles.beside(path);
        try {
            try (var out = Files.newOutputStream(temp)) {
                out.write(head.array());
                for (byte[] p : parts) {
                    out.write(p);
                }
                out.write(tail.array());
            }
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
            TempFiles.forget(temp);
        }
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

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
