package org.bitclass.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * Turns any failure of a command into one line on stderr: a failure of the work gives exit code 1
 * (BITCLASS_DEBUG=1 shows the stack trace); a usage error (picocli's, or a {@link UsageError}) adds a hint to
 * --help, not the whole help, and gives picocli's exit code for invalid input.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        if (ex instanceof UsageError) {
            return usage(cli, ex.getMessage());
        }
        if (System.getenv("BITCLASS_DEBUG") != null) {
            ex.printStackTrace();
        }
        cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + describe(ex));
        cli.getErr().flush();
        return 1;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        return usage(ex.getCommandLine(), ex.getMessage().replaceFirst("^Error: ", ""));
    }

    private static int usage(CommandLine cli, String message) {
        String command = cli.getCommandSpec().qualifiedName();
        cli.getErr().println(command + ": " + message);
        cli.getErr().println("Try '" + command + " --help'");
        cli.getErr().flush();
        return cli.getCommandSpec().exitCodeOnInvalidInput();
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
