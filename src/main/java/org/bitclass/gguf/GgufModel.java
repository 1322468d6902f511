package org.bitclass.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model as one logical GGUF: a single file, or every part of a split model
 * ({@code name-00001-of-00003.gguf}, as written by llama-gguf-split). Metadata comes from the first part;
 * tensors from all parts, in order, each still mapped from its own file.
 */
public final class GgufModel implements AutoCloseable {

    private static final Pattern SPLIT = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

    private final List<GgufFile> parts;
    private final List<TensorInfo> tensors = new ArrayList<>();
    private final Map<String, GgufFile> owner = new LinkedHashMap<>();
    /** Tensors read from memory instead of the file (see {@link #replace}). */
    private final Map<String, Replacement> replaced = new HashMap<>();

    private record Replacement(TensorInfo info, MemorySegment data) {
    }

    private GgufModel(List<GgufFile> parts) throws GgufFormatException {
        this.parts = parts;
        for (GgufFile part : parts) {
            for (TensorInfo t : part.tensors()) {
                if (owner.putIfAbsent(t.name(), part) != null) {
                    throw new GgufFormatException(part.path(), "tensor '" + t.name() + "' also appears in another split");
                }
                tensors.add(t);
            }
        }
    }

    /** Opens a model; given any part of a split model, opens all its parts. */
    public static GgufModel open(Path path) throws IOException {
        Matcher m = SPLIT.matcher(path.getFileName().toString());
        if (!m.matches()) {
            return new GgufModel(List.of(GgufFile.open(path)));
        }
        int count = Integer.parseInt(m.group(3));
        List<GgufFile> parts = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Path part = path.resolveSibling(String.format("%s-%05d-of-%05d.gguf", m.group(1), i, count));
                if (!Files.exists(part)) {
                    throw new NoSuchFileException(part.toString(), null, "split part " + i + " of " + count + " is missing");
                }
                parts.add(GgufFile.open(part));
            }
            checkSplitCount(parts, count);
            return new GgufModel(parts);
        } catch (IOException | RuntimeException e) {
            parts.forEach(GgufFile::close);
            throw e;
        }
    }

    private static void checkSplitCount(List<GgufFile> parts, int count) throws GgufFormatException {
        GgufFile first = parts.getFirst();
        int declared = first.metadata().getInt("split.count", count);
        if (declared != count) {
            throw new GgufFormatException(first.path(), "split.count is " + declared + " but the name says " + count);
        }
    }

    public List<GgufFile> parts() {
        return Collections.unmodifiableList(parts);
    }

    public Path path() {
        return parts.getFirst().path();
    }

    public GgufMetadata metadata() {
        return parts.getFirst().metadata();
    }

    public List<TensorInfo> tensors() {
        return Collections.unmodifiableList(tensors);
    }

    public Optional<TensorInfo> find(String name) {
        Replacement r = replaced.get(name);
        if (r != null) {
            return Optional.of(r.info());
        }
        GgufFile f = owner.get(name);
        return f == null ? Optional.empty() : f.find(name);
    }

    public TensorInfo tensor(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(path() + ": no tensor named '" + name + "'"));
    }

    public MemorySegment data(TensorInfo t) {
        Replacement r = replaced.get(t.name());
        if (r != null && r.info().equals(t)) {
            return r.data();
        }
        return owner.get(t.name()).data(t);
    }

    public MemorySegment data(String name) {
        return data(tensor(name));
    }

    /**
     * Makes this open model give tensor {@code name} as {@code data} encoded as {@code type} from now on, without
     * touching the file: a model opened on it evaluates another quantization of that tensor in memory.
     */
    public void replace(String name, GgmlType type, MemorySegment data) {
        TensorInfo original = tensor(name);
        TensorInfo info = original.withType(type);
        if (data.byteSize() != info.nBytes()) {
            throw new IllegalArgumentException(name + " as " + type + " takes " + info.nBytes() + " bytes, got "
                    + data.byteSize());
        }
        tensors.set(tensors.indexOf(original), info);
        replaced.put(name, new Replacement(info, data));
    }

    /** Total bytes of all parts. */
    public long fileSize() {
        return parts.stream().mapToLong(GgufFile::fileSize).sum();
    }

    @Override
    public void close() {
        parts.forEach(GgufFile::close);
    }
}
