package org.bitclass.gguf;

import org.bitclass.testutil.SharedData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Every GGUF file in the shared test data, as a parameter source. */
final class SharedGgufFiles {

    private SharedGgufFiles() {
    }

    static List<Path> all() {
        try (Stream<Path> files = Files.walk(SharedData.path("."))) {
            return files.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
