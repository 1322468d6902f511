package org.bitclass.cli;

import org.bitclass.io.TextFiles;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@code -p TEXT | -f FILE} choice of commands that take one text (an exclusive, required argument group). */
final class TextInput {

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the text")
    String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the text from FILE")
    Path file;

    /** The text in UTF-8. */
    byte[] bytes() throws IOException {
        return read().getBytes(StandardCharsets.UTF_8);
    }

    String read() throws IOException {
        return file != null ? TextFiles.read(file) : text;
    }
}
