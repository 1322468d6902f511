package org.bitclass.cli;

import org.bitclass.io.RunInputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: one picocli command per subcommand; errors become one clear line and a non-zero exit. */
@Command(name = "bitclass",
        mixinStandardHelpOptions = true,
        version = Main.VERSION,
        description = "Mixed-precision GGUF quantization, evaluation and serving in pure Java.",
        footer = {"", "A typical run (./bitclass demo does all of it on the bundled model):",
                "  bitclass imatrix model-bf16.gguf -f calib.txt -o imatrix.gguf",
                "  bitclass quantize model-bf16.gguf model-q4k.gguf Q4_K_M --imatrix imatrix.gguf",
                "  bitclass perplexity model-bf16.gguf -f test.txt --kld-base base.kld",
                "  bitclass perplexity model-q4k.gguf --kld base.kld",
                "  bitclass chat model-q4k.gguf",
                "All of it per level, with the stock recipes, results.json, plots and a model card:",
                "  bitclass release model-bf16.gguf --calib calib.txt --eval test.txt -o out",
                "", "'bitclass COMMAND --help' explains each command with examples."},
        subcommands = {
                CommandLine.HelpCommand.class,
                AllocateCommand.class,
                BenchCommand.class,
                BenchQuantizeCommand.class,
                ChatCommand.class,
                DemoCommand.class,
                GenerateCommand.class,
                HealthCommand.class,
                ImatrixCommand.class,
                InspectCommand.class,
                PerplexityCommand.class,
                QuantizeCommand.class,
                ReleaseCommand.class,
                SensitivityCommand.class,
                ServeCommand.class,
                SynthCommand.class,
                TokenizeCommand.class,
        })
public final class Main implements Runnable {

    static final String VERSION = "BitClass 0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        ErrorHandler errors = new ErrorHandler();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        RunInputs.begin();
        try {
            return cli.execute(args);
        } finally {
            RunInputs.end();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
