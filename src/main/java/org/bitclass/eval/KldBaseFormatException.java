package org.bitclass.eval;

import org.bitclass.io.FileProblem;

import java.io.IOException;
import java.nio.file.Path;

/** A kld-base file that is damaged or not one at all; the message names the file and what is wrong. */
public final class KldBaseFormatException extends IOException {

    public KldBaseFormatException(Path path, String problem) {
        super(FileProblem.message(path, problem));
    }
}
