package org.bitclass.gguf;

import org.bitclass.io.RunInputs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One GGUF file, memory-mapped read-only: header, metadata, tensor infos, and zero-copy access to each
 * tensor's bytes. Any size works (the map is a {@link MemorySegment}, not a ByteBuffer). Closing unmaps,
 * after which the segments it handed out must not be used.
 */
public final class GgufFile implements AutoCloseable {

    public static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final int version;
    private final GgufMetadata metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();
    private final int alignment;
    private final long headerEnd;
    private final long dataOffset;

    private GgufFile(Path path, Arena arena, MemorySegment mapped, GgufHeaderParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.version = header.version();
        this.metadata = header.metadata();
        this.tensors = header.tensors();
        this.alignment = header.alignment();
        this.headerEnd = header.headerEnd();
        this.dataOffset = header.dataOffset();
        tensors.forEach(t -> byName.put(t.name(), t));
    }

    /** Maps and parses {@code path}; a malformed file gives a {@link GgufFormatException} naming the problem. */
    public static GgufFile open(Path path) throws IOException {
        RunInputs.add(path);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.isDirectory(path)) {
            throw new GgufFormatException(path, "is a directory, not a GGUF file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new GgufFile(path, arena, mapped, GgufHeaderParser.parse(path, mapped));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public List<TensorInfo> tensors() {
        return tensors;
    }

    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public TensorInfo tensor(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        }
        return t;
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset where tensor data begins. */
    public long dataOffset() {
        return dataOffset;
    }

    /**
     * Whether the header is followed by padding to the alignment. llama.cpp always pads; some tensor-less
     * (vocab-only) files in the wild end right after the metadata.
     */
    public boolean headerPadded() {
        return !tensors.isEmpty() || fileSize() > headerEnd;
    }

    public long fileSize() {
        return mapped.byteSize();
    }

    /** The tensor's bytes, zero-copy from the mapping. */
    public MemorySegment data(TensorInfo t) {
        return mapped.asSlice(dataOffset + t.offset(), t.nBytes());
    }

    public MemorySegment data(String name) {
        return data(tensor(name));
    }

    @Override
    public void close() {
        arena.close();
    }
}
