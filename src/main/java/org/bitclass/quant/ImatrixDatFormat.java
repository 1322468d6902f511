package org.bitclass.quant;

import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * llama.cpp's legacy {@code .dat} imatrix format, little-endian: an int32 entry count; per entry the name
 * (int32 length + bytes), int32 {@code ncall}, int32 value count and the float values; then optionally the
 * int32 chunk count and one dataset name (int32 length + bytes).
 */
final class ImatrixDatFormat {

    /** One stored entry: {@code values} are the per-column means times {@code ncall}. */
    record StoredEntry(String name, int ncall, float[] values) {
    }

    private ImatrixDatFormat() {
    }

    static Imatrix read(Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        Reader in = new Reader(buf, path);
        int nEntries = in.int32("entry count");
        if (nEntries < 1) {
            throw new ImatrixFormatException(path, "no data in file");
        }
        SortedMap<String, Imatrix.Entry> entries = Imatrix.sortedByName();
        for (int i = 0; i < nEntries; i++) {
            String name = in.string("name of entry " + (i + 1));
            int ncall = in.int32("call count of " + name);
            int nval = in.int32("value count of " + name);
            if (nval < 1) {
                throw new ImatrixFormatException(path, "entry " + name + " has " + nval + " values");
            }
            entries.put(name, new Imatrix.Entry(in.floats(nval, "values of " + name), new long[]{ncall}));
        }
        // the tail is optional, as for llama.cpp
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
        return Imatrix.legacy(entries, datasets, chunkCount);
    }

    /** Writes the entries in the given order, then the chunk count and the dataset (empty when null). */
    static void write(List<StoredEntry> entries, int chunkCount, String dataset, Path path) throws IOException {
        OutputFile.write(path, temp -> {
            try (var out = Files.newOutputStream(temp)) {
                out.write(int32(entries.size()));
                for (StoredEntry e : entries) {
                    byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                    ByteBuffer b = ByteBuffer.allocate(12 + name.length + Float.BYTES * e.values().length)
                            .order(ByteOrder.LITTLE_ENDIAN);
                    b.putInt(name.length).put(name).putInt(e.ncall()).putInt(e.values().length);
                    b.asFloatBuffer().put(e.values());
                    out.write(b.array());
                }
                byte[] name = dataset == null ? new byte[0] : dataset.getBytes(StandardCharsets.UTF_8);
                out.write(int32(chunkCount));
                out.write(int32(name.length));
                out.write(name);
            }
        });
    }

    private static byte[] int32(int v) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Sequential reads with messages that say what was being read. */
    private record Reader(ByteBuffer buf, Path path) {
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
}
