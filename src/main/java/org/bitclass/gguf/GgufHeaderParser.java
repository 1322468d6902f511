package org.bitclass.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a GGUF header (metadata and tensor infos) from a mapped file, checking every count and size against
 * the bytes that are really there, so that a corrupt file gives a clear error instead of a huge allocation.
 * The validity rules are those of llama.cpp's loader: what it refuses, we refuse.
 */
final class GgufHeaderParser {

    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    static final int MAX_DIMS = 4;
    static final int MAX_NAME_BYTES = 63; // ggml's GGML_MAX_NAME is 64 including the terminating NUL
    private static final int MAX_NESTING = 16;

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What the header says; {@code dataOffset} is the absolute file offset of the data section. */
    record Header(int version, GgufMetadata metadata, List<TensorInfo> tensors, int alignment, long headerEnd,
                  long dataOffset) {
    }

    private final Path file;
    private final MemorySegment seg;
    private long pos;

    private GgufHeaderParser(Path file, MemorySegment seg) {
        this.file = file;
        this.seg = seg;
    }

    static Header parse(Path file, MemorySegment seg) throws GgufFormatException {
        return new GgufHeaderParser(file, seg).header();
    }

    private Header header() throws GgufFormatException {
        if (seg.byteSize() < 4 || seg.get(INT, 0) != MAGIC) {
            throw error(seg.byteSize() < 4 ? "not a GGUF file (too short)" : "not a GGUF file (bad magic)");
        }
        pos = 4;
        int version = (int) u32("version");
        if (version == 1) {
            throw error("GGUF version 1 is no longer supported");
        }
        if ((version & 0xFFFF) == 0 && version != 0) {
            throw error("big-endian GGUF files are not supported");
        }
        if (version < 2 || version > 3) {
            throw error("unsupported GGUF version " + Integer.toUnsignedString(version));
        }
        long nTensors = u64("tensor count");
        long nKv = u64("metadata count");
        // a key-value takes at least 13 bytes, a tensor info at least 24: bound the counts by the file size
        checkCount(nKv, 13, "metadata count");
        GgufMetadata metadata = new GgufMetadata();
        for (long i = 0; i < nKv; i++) {
            String key = string("metadata key #" + i);
            if (key.isEmpty()) {
                throw error("metadata key #" + i + " is empty");
            }
            if (metadata.contains(key)) {
                throw error("duplicate metadata key '" + key + "'");
            }
            metadata.put(key, value(valueType(key), key, 0));
        }
        int alignment = alignment(metadata);
        checkCount(nTensors, 24, "tensor count");
        List<TensorInfo> tensors = new ArrayList<>((int) nTensors);
        Set<String> names = new HashSet<>();
        for (long i = 0; i < nTensors; i++) {
            TensorInfo t = tensorInfo(i);
            if (!names.add(t.name())) {
                throw error("duplicate tensor name '" + t.name() + "'");
            }
            tensors.add(t);
        }
        long dataOffset = nTensors > 0 ? padTo(pos, alignment) : pos;
        checkDataLayout(tensors, alignment, dataOffset);
        return new Header(version, metadata, List.copyOf(tensors), alignment, pos, dataOffset);
    }

    private int alignment(GgufMetadata metadata) throws GgufFormatException {
        var value = metadata.find("general.alignment");
        if (value.isEmpty()) {
            return GgufFile.DEFAULT_ALIGNMENT;
        }
        if (!value.get().type().isInteger()) {
            throw error("general.alignment must be an integer, found " + value.get().type());
        }
        long a = value.get().asLong();
        if (a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw error("general.alignment " + a + " is not a power of 2");
        }
        return (int) a;
    }

    private TensorInfo tensorInfo(long index) throws GgufFormatException {
        String name = string("tensor name #" + index);
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw error("tensor name '" + name + "' is longer than " + MAX_NAME_BYTES + " bytes");
        }
        long nDims = u32("dimension count of tensor '" + name + "'");
        if (nDims > MAX_DIMS) {
            throw error("tensor '" + name + "' has " + nDims + " dimensions (at most " + MAX_DIMS + ")");
        }
        long[] shape = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            shape[d] = u64("shape of tensor '" + name + "'");
            if (shape[d] < 0) {
                throw error("tensor '" + name + "' has a negative dimension");
            }
            if (shape[d] != 0 && elements > Long.MAX_VALUE / shape[d]) {
                throw error("tensor '" + name + "' has too many elements");
            }
            elements *= shape[d];
        }
        int typeId = (int) u32("type of tensor '" + name + "'");
        GgmlType type = GgmlType.byId(typeId)
                .orElseThrow(() -> error("tensor '" + name + "' has unknown type id " + Integer.toUnsignedString(typeId)));
        long rowLength = nDims == 0 ? 1 : shape[0];
        if (rowLength % type.blockSize != 0) {
            throw error("tensor '" + name + "' of type " + type + " has " + rowLength
                    + " elements per row, not a multiple of the block size " + type.blockSize);
        }
        if (elements / type.blockSize > Long.MAX_VALUE / type.typeSize) {
            throw error("tensor '" + name + "' is too large (" + elements + " elements of " + type + ")");
        }
        long offset = u64("data offset of tensor '" + name + "'");
        return new TensorInfo(name, shape, type, offset);
    }

    /** llama.cpp requires each tensor to start where the previous one ends, padded to the alignment. */
    private void checkDataLayout(List<TensorInfo> tensors, int alignment, long dataOffset) throws GgufFormatException {
        long expected = 0;
        for (TensorInfo t : tensors) {
            if (t.offset() != expected) {
                throw error("tensor '" + t.name() + "' has data offset " + t.offset() + ", expected " + expected);
            }
            long bytes = t.nBytes();
            if (bytes > seg.byteSize()) {
                throw error("tensor '" + t.name() + "' " + t.shapeString() + " needs " + bytes
                        + " bytes, more than the whole file (" + seg.byteSize() + ")");
            }
            expected = padTo(expected + bytes, alignment);
        }
        long needed = tensors.isEmpty() ? dataOffset
                : dataOffset + tensors.getLast().offset() + tensors.getLast().nBytes();
        if (needed > seg.byteSize()) {
            throw error("truncated: tensor data needs " + needed + " bytes but the file has " + seg.byteSize());
        }
    }

    private GgufValueType valueType(String key) throws GgufFormatException {
        int id = (int) u32("type of key '" + key + "'");
        return GgufValueType.byId(id).orElseThrow(() -> error("key '" + key + "' has invalid value type " + id));
    }

    private GgufValue value(GgufValueType type, String key, int depth) throws GgufFormatException {
        if (type == GgufValueType.ARRAY) {
            return GgufValue.ofArray(array(key, depth));
        }
        need(type == GgufValueType.STRING ? 8 : type.size, "value of key '" + key + "'");
        Object v = switch (type) {
            case UINT8, INT8 -> seg.get(ValueLayout.JAVA_BYTE, pos);
            case BOOL -> seg.get(ValueLayout.JAVA_BYTE, pos) != 0;
            case UINT16, INT16 -> seg.get(SHORT, pos);
            case UINT32, INT32 -> seg.get(INT, pos);
            case FLOAT32 -> seg.get(FLOAT, pos);
            case UINT64, INT64 -> seg.get(LONG, pos);
            case FLOAT64 -> seg.get(DOUBLE, pos);
            case STRING -> string("value of key '" + key + "'");
            case ARRAY -> throw new AssertionError();
        };
        if (type != GgufValueType.STRING) {
            pos += type.size;
        }
        return new GgufValue(type, v);
    }

    private GgufArray array(String key, int depth) throws GgufFormatException {
        if (depth >= MAX_NESTING) {
            throw error("key '" + key + "' nests arrays more than " + MAX_NESTING + " deep");
        }
        GgufValueType type = valueType(key);
        long n = u64("array length of key '" + key + "'");
        int minSize = type.size > 0 ? type.size : 8;
        checkCount(n, minSize, "array length of key '" + key + "'");
        int count = (int) n;
        String what = "array of key '" + key + "'";
        Object elements = switch (type) {
            case UINT8, INT8, BOOL -> copy(new byte[count], ValueLayout.JAVA_BYTE, count, what);
            case UINT16, INT16 -> copy(new short[count], SHORT, count, what);
            case UINT32, INT32 -> copy(new int[count], INT, count, what);
            case FLOAT32 -> copy(new float[count], FLOAT, count, what);
            case UINT64, INT64 -> copy(new long[count], LONG, count, what);
            case FLOAT64 -> copy(new double[count], DOUBLE, count, what);
            case STRING -> {
                String[] strings = new String[count];
                for (int i = 0; i < count; i++) {
                    strings[i] = string(what);
                }
                yield strings;
            }
            case ARRAY -> {
                GgufArray[] nested = new GgufArray[count];
                for (int i = 0; i < count; i++) {
                    nested[i] = array(key, depth + 1);
                }
                yield nested;
            }
        };
        return new GgufArray(type, elements);
    }

    private Object copy(Object dst, ValueLayout layout, int count, String what) throws GgufFormatException {
        long bytes = (long) count * layout.byteSize();
        need(bytes, what);
        MemorySegment.copy(seg, layout, pos, dst, 0, count);
        pos += bytes;
        return dst;
    }

    private String string(String what) throws GgufFormatException {
        long len = u64("length of " + what);
        if (len < 0 || len > seg.byteSize() - pos) {
            throw error("truncated or corrupt: " + what + " claims " + Long.toUnsignedString(len)
                    + " bytes but only " + (seg.byteSize() - pos) + " remain");
        }
        if (len > Integer.MAX_VALUE - 16) {
            throw error(what + " is too long (" + len + " bytes)");
        }
        byte[] bytes = new byte[(int) len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
        pos += len;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private long u32(String what) throws GgufFormatException {
        need(4, what);
        long v = Integer.toUnsignedLong(seg.get(INT, pos));
        pos += 4;
        return v;
    }

    private long u64(String what) throws GgufFormatException {
        need(8, what);
        long v = seg.get(LONG, pos);
        pos += 8;
        return v;
    }

    private void checkCount(long n, int minBytesEach, String what) throws GgufFormatException {
        long remaining = seg.byteSize() - pos;
        if (n < 0 || n > remaining / minBytesEach) {
            throw error("corrupt header: " + what + " " + Long.toUnsignedString(n) + " cannot fit in the "
                    + remaining + " bytes that remain");
        }
    }

    private void need(long bytes, String what) throws GgufFormatException {
        if (bytes > seg.byteSize() - pos) {
            throw error("truncated: file ends at byte " + seg.byteSize() + " while reading " + what);
        }
    }

    private GgufFormatException error(String problem) {
        return new GgufFormatException(file, problem);
    }

    static long padTo(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
