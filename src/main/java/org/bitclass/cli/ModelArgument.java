package org.bitclass.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** The model a command reads: the MODEL argument, or -m MODEL as llama.cpp's tools take it. */
final class ModelArgument {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "the model (GGUF), or give -m MODEL")
    Path positional;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "the model, as llama.cpp takes it")
    Path option;

    /** The model given either way; a usage error when it is missing or given twice. */
    Path path() {
        Path p = orNull();
        if (p == null) {
            throw new UsageError("no model given: MODEL or -m MODEL");
        }
        return p;
    }

    /** The model given either way, or null when there is none. */
    Path orNull() {
        if (positional != null && option != null) {
            throw new UsageError("give the model once, not " + positional + " and -m " + option);
        }
        return positional != null ? positional : option;
    }
}
