package org.bitclass.eval.tasks;

import org.bitclass.io.FileProblem;

import java.io.IOException;
import java.nio.file.Path;

/** A task file that is malformed; the message names the file and what is wrong. */
public final class TaskFileException extends IOException {

    TaskFileException(Path file, String problem) {
        super(FileProblem.message(file, problem));
    }
}
