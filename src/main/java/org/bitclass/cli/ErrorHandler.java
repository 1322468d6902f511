package org.bitclass.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** Turns any failure of a command into one line on stderr and exit code 1; BITCLASS_DEBUG=1 shows the stack trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        if (System.getenv("BITCLASS_DEBUG") != null) {
            ex.printStackTrace();
        }
        cli.getErr().println("bitclass " + cli.getCommandName() + ": " + describe(ex));
        cli.getErr().flush();
        return 1;
    }

    static String describe(Throwable ex) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        if (t instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        if (t instanceof IOException io && io.getMessage() != null) {
            return io.getMessage();
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (raise -Xmx via BITCLASS_JAVA_OPTS)";
        }
        String msg = t.getMessage();
        return msg != null ? msg : t.getClass().getSimpleName();
    }
}
