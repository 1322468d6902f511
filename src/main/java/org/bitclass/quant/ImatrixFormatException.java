package org.bitclass.quant;

import org.bitclass.io.FileProblem;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a valid imatrix in either format; the message names the file and the problem. */
public final class ImatrixFormatException extends IOException {

    public ImatrixFormatException(Path file, String problem) {
        super(FileProblem.message(file, problem));
    }
}
