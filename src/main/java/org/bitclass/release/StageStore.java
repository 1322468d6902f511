package org.bitclass.release;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The record of finished stages in a release folder: one small JSON file per stage under {@code .stages/}, naming
 * the key of the stage's inputs, the files it wrote (with their sizes), its result and how long it took. A stage's
 * record is written only after its files are complete, so a killed run leaves either a finished stage or none.
 */
final class StageStore {

    static final String FOLDER = ".stages";

    private final Path dir;

    StageStore(Path releaseDir) throws IOException {
        this.dir = releaseDir.resolve(FOLDER);
        Files.createDirectories(dir);
    }

    /** A finished stage as stored. */
    record Done(String stage, String key, double seconds, List<Output> outputs, JsonNode result) {
    }

    /** A file a stage wrote, relative to the release folder. */
    record Output(String file, long bytes) {
    }

    /**
     * The stored stage when it was made from the inputs {@code key} names and every file it wrote is still there,
     * at the size it was written.
     */
    Optional<Done> current(String stage, String key) throws IOException {
        Path record = dir.resolve(stage + ".json");
        if (!Files.exists(record)) {
            return Optional.empty();
        }
        Done done = Json.MAPPER.readValue(record.toFile(), Done.class);
        if (!key.equals(done.key())) {
            return Optional.empty();
        }
        for (Output o : done.outputs()) {
            Path file = dir.getParent().resolve(o.file());
            if (!Files.isRegularFile(file) || Files.size(file) != o.bytes()) {
                return Optional.empty();
            }
        }
        return Optional.of(done);
    }

    Done save(String stage, String key, double seconds, List<Path> outputs, JsonNode result) throws IOException {
        List<Output> files = new ArrayList<>();
        for (Path p : outputs) {
            files.add(new Output(dir.getParent().relativize(p).toString(), Files.size(p)));
        }
        Done done = new Done(stage, key, seconds, files, result == null ? Json.MAPPER.createObjectNode() : result);
        OutputFile.write(dir.resolve(stage + ".json"), temp -> Json.MAPPER.writeValue(temp.toFile(), done));
        return done;
    }

    /** Forgets every stage ({@code --force}). */
    void clear() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (p.getFileName().toString().endsWith(".json")) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A key for a stage: the SHA-256 of its inputs' descriptions, in order. */
    static String key(Object... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object part : parts) {
                sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A file given by the user, as a key part: its name, size and modification time (reading a model of many GB
     * to hash it would cost more than some stages).
     */
    static String identity(Path file) throws IOException {
        return file.toAbsolutePath().normalize() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
    }
}
