package org.bitclass.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: one picocli command per subcommand; errors become one clear line and a non-zero exit. */
@Command(name = "bitclass",
        mixinStandardHelpOptions = true,
        version = "BitClass 0.1.0",
        description = "Mixed-precision GGUF quantization, evaluation and serving in pure Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                DemoCommand.class,
                InspectCommand.class,
                QuantizeCommand.class,
                SynthCommand.class,
                TokenizeCommand.class,
                BenchCommand.class,
                BenchQuantizeCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
