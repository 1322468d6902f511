package org.bitclass.cli;

/**
 * A command line that asks for something the command cannot do (a value out of range, options that exclude each
 * other): reported as picocli reports a usage error, one line and a hint to --help, with picocli's exit code.
 */
final class UsageError extends IllegalArgumentException {

    UsageError(String message) {
        super(message);
    }
}
