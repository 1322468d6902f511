package org.bitclass.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code -p TEXT | -f FILE} choice of commands that take one text (an exclusive, required argument group). */
final class TextInput {

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the text")
    String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the text from FILE")
    Path file;

    /** The text's bytes as given: a file's raw contents, or the argument in UTF-8. */
    byte[] bytes() throws IOException {
        return file != null ? Files.readAllBytes(file) : text.getBytes(StandardCharsets.UTF_8);
    }

    String read() throws IOException {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
