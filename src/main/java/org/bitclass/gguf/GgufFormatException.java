package org.bitclass.gguf;

import org.bitclass.io.FileProblem;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a valid GGUF file; the message names the file and what is wrong with it. */
public final class GgufFormatException extends IOException {

    public GgufFormatException(Path file, String problem) {
        super(FileProblem.message(file, problem));
    }
}
