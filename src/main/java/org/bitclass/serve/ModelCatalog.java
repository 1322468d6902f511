package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitclass.alloc.Allocator;
import org.bitclass.gguf.GgufFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The models a server may load: one file, or every GGUF file in a folder (two levels deep). A model is picked by
 * the name this catalog lists, never by a path, so a request cannot reach a file outside the folder.
 */
final class ModelCatalog {

    /** A model file: its name (path relative to the folder, '/'-separated), size, bits per weight, KLD figures. */
    record Entry(String name, Path path, long bytes, double bpw, Map<String, Double> kld) {
    }

    private record Cached(FileTime modified, long bytes, Entry entry) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final Path single;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    private ModelCatalog(Path folder, Path single) {
        this.folder = folder;
        this.single = single;
    }

    static ModelCatalog ofFile(Path file) {
        return new ModelCatalog(null, file.toAbsolutePath().normalize());
    }

    static ModelCatalog ofFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("--models: not a folder: " + folder);
        }
        return new ModelCatalog(folder.toRealPath(), null);
    }

    /** The model to load first: the single file, or none for a folder (the page picks one). */
    Optional<Entry> initial() throws IOException {
        return single == null ? Optional.empty() : Optional.of(entry(single.getFileName().toString(), single));
    }

    List<Entry> list() throws IOException {
        if (single != null) {
            return List.of(initial().orElseThrow());
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder, 2)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".gguf") && Files.isRegularFile(p))
                    .sorted(Comparator.naturalOrder()).toList()) {
                if (p.toRealPath().startsWith(folder)) { // a symbolic link out of the folder is not listed
                    listed(folder.relativize(p).toString().replace('\\', '/'), p).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /** The model of that name, or 404. */
    Entry find(String name) throws IOException {
        for (Entry e : list()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new ApiException(404, "no model named '" + name + "'");
    }

    /**
     * A folder's file as the list shows it, or nothing when it is no chat model (a damaged file, an imatrix, a
     * vocabulary): one bad file must not hide the others.
     */
    private Optional<Entry> listed(String name, Path path) {
        try {
            return Optional.of(entry(name, path));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Entry entry(String name, Path path) throws IOException {
        FileTime modified = Files.getLastModifiedTime(path);
        long bytes = Files.size(path);
        Cached c = cache.get(path);
        if (c == null || !c.modified.equals(modified) || c.bytes != bytes) {
            double bpw;
            try (GgufFile gguf = GgufFile.open(path)) {
                if (!gguf.metadata().contains("general.architecture") || !gguf.metadata().contains("tokenizer.ggml.model")) {
                    throw new ApiException(400, name + " is not a model with a tokenizer");
                }
                bpw = Allocator.bpw(gguf.tensors());
            }
            c = new Cached(modified, bytes, new Entry(name, path, bytes, bpw, kldFigures(path)));
            cache.put(path, c);
        }
        return c.entry;
    }

    /**
     * KLD figures for a file from the {@code results.json} that {@code release} writes beside it: the numeric fields
     * whose name mentions KLD, of the {@code levels} entry that names the file. Anything else in it is ignored, and an
     * unreadable file means no figures.
     */
    private static Map<String, Double> kldFigures(Path model) {
        Map<String, Double> out = new LinkedHashMap<>();
        Path results = model.resolveSibling("results.json");
        if (!Files.isRegularFile(results)) {
            return out;
        }
        try {
            JsonNode levels = JSON.readTree(results.toFile()).path("levels");
            String file = model.getFileName().toString();
            for (JsonNode level : levels) {
                if (!namesFile(level, file)) {
                    continue;
                }
                level.properties().forEach(field -> {
                    if (field.getValue().isNumber() && field.getKey().toLowerCase(Locale.ROOT).contains("kld")) {
                        out.put(field.getKey(), field.getValue().doubleValue());
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            out.clear();
        }
        return out;
    }

    private static boolean namesFile(JsonNode level, String file) {
        for (JsonNode v : level) {
            if (v.isTextual() && (v.textValue().equals(file) || v.textValue().endsWith("/" + file))) {
                return true;
            }
        }
        return false;
    }
}
