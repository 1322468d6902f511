package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufArray;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * llama.cpp's GGUF imatrix format: per entry an F32 tensor {@code <name>.in_sum2} of shape [ne0, matrices]
 * and {@code <name>.counts} of shape [1, matrices] (1-D when there is one matrix), entries in name order,
 * plus the {@code imatrix.*} keys. Our optional {@code <name>.in_sum} (shaped like {@code in_sum2}) follows an
 * entry's counts; llama.cpp skips it.
 */
final class ImatrixGgufFormat {

    private static final String IN_SUM2 = ".in_sum2";
    private static final String IN_SUM = ".in_sum";
    private static final String COUNTS = ".counts";
    private static final String KEY_DATASETS = "imatrix.datasets";
    private static final String KEY_CHUNK_COUNT = "imatrix.chunk_count";
    private static final String KEY_CHUNK_SIZE = "imatrix.chunk_size";

    private ImatrixGgufFormat() {
    }

    static Imatrix read(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            GgufMetadata meta = file.metadata();
            if (!meta.contains(KEY_DATASETS) || !meta.contains(KEY_CHUNK_COUNT) || !meta.contains(KEY_CHUNK_SIZE)) {
                throw new ImatrixFormatException(path, "missing imatrix metadata (" + KEY_DATASETS + ", "
                        + KEY_CHUNK_COUNT + ", " + KEY_CHUNK_SIZE + ")");
            }
            List<String> datasets = meta.getArray(KEY_DATASETS).elements() instanceof String[] names
                    ? List.of(names) : List.of();
            SortedMap<String, TensorInfo[]> pairs = Imatrix.sortedByName();
            Map<String, TensorInfo> inputSums = Imatrix.sortedByName();
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
            SortedMap<String, Imatrix.Entry> entries = Imatrix.sortedByName();
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
                entries.put(pair.getKey(), new Imatrix.Entry(s, rounded, x));
            }
            return Imatrix.of(entries, datasets, meta.getInt(KEY_CHUNK_COUNT), meta.getInt(KEY_CHUNK_SIZE));
        }
    }

    private static String stripSuffix(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    private static float[] readF32(GgufFile file, TensorInfo t, Path path) throws ImatrixFormatException {
        if (t.type() != GgmlType.F32) {
            throw new ImatrixFormatException(path, "tensor " + t.name() + " is " + t.type() + ", expected F32");
        }
        return file.data(t).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** C's lround, which llama.cpp applies to the float counts. */
    private static long roundHalfAway(float v) {
        return (long) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /** Writes raw (GGUF-form) entries as llama-imatrix does. */
    static void write(Map<String, Imatrix.Entry> entries, List<String> datasets, int chunkCount, int chunkSize,
                      Path path) throws IOException {
        GgufMetadata meta = new GgufMetadata()
                .putString("general.type", "imatrix")
                .put(KEY_DATASETS, GgufValue.ofArray(GgufArray.ofStrings(datasets.toArray(String[]::new))))
                .putUInt32(KEY_CHUNK_COUNT, chunkCount)
                .putUInt32(KEY_CHUNK_SIZE, chunkSize);
        List<TensorInfo> tensors = new ArrayList<>();
        for (var e : entries.entrySet()) {
            int nmat = e.getValue().matrixCount();
            int perMatrix = e.getValue().sums().length / nmat;
            // like ggml, a single matrix is written as a 1-D tensor (trailing dimensions of 1 are dropped)
            long[] valueShape = nmat == 1 ? new long[]{perMatrix} : new long[]{perMatrix, nmat};
            tensors.add(new TensorInfo(e.getKey() + IN_SUM2, valueShape, GgmlType.F32, 0));
            tensors.add(new TensorInfo(e.getKey() + COUNTS,
                    nmat == 1 ? new long[]{1} : new long[]{1, nmat}, GgmlType.F32, 0));
            if (e.getValue().inputSums() != null) {
                tensors.add(new TensorInfo(e.getKey() + IN_SUM, valueShape, GgmlType.F32, 0));
            }
        }
        try (GgufWriter w = GgufWriter.create(path, meta, tensors)) {
            for (Imatrix.Entry e : entries.values()) {
                w.append(littleEndian(e.sums()));
                long[] counts = e.counts();
                float[] asFloats = new float[counts.length];
                for (int i = 0; i < counts.length; i++) {
                    asFloats[i] = counts[i];
                }
                w.append(littleEndian(asFloats));
                float[] inputSums = e.inputSums();
                if (inputSums != null) {
                    w.append(littleEndian(inputSums));
                }
            }
            w.commit();
        }
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
