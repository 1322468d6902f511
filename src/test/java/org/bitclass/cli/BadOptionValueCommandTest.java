package org.bitclass.cli;

import org.bitclass.quant.FileType;
import org.bitclass.quant.TensorTypeOverrides;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every numeric option out of its range, and every misspelt option, is a usage error: exit code 2, one line naming
 * the option and a hint to --help, and no work done.
 */
class BadOptionValueCommandTest {

    private static final String M = SharedData.path("models/minima-qwen3-bf16.gguf").toString();
    private static final String I = SharedData.path("golden/eval/minima.imatrix.gguf").toString();
    private static final String T = SharedData.path("corpus/kjv-calib.txt").toString();

    @TempDir
    static Path dir;

    static Stream<Arguments> badValues() {
        return Stream.of(
                row("--ctx-size must be at least 1, not -5", "imatrix", M, "-f", T, "-c", "-5"),
                row("--chunks must be -1 (all) or at least 1, not 0", "imatrix", M, "-f", T, "--chunks", "0"),
                row("--threads must be at least 1, not 0", "imatrix", M, "-f", T, "-t", "0"),
                row("--ctx-size must be at least 1, not -5", "sensitivity", M, "-f", T, "-c", "-5"),
                row("--chunks must be -1 (all) or at least 1, not -2", "sensitivity", M, "-f", T, "--chunks", "-2"),
                row("--top must be at least 0, not -1", "sensitivity", M, "--imatrix", I, "--top", "-1"),
                row("--threads must be at least 1, not 0", "sensitivity", M, "--imatrix", I, "-t", "0"),
                row("--ctx-size must be at least 3, not 2", "perplexity", M, "-f", T, "-c", "2"),
                row("--chunks must be -1 (all) or at least 1, not 0", "perplexity", M, "-f", T, "--chunks", "0"),
                row("--threads must be at least 1, not -1", "perplexity", M, "-f", T, "-t", "-1"),
                row("--n-predict must be -1 (no limit) or at least 0, not -2", "generate", M, "-p", "x", "-n", "-2"),
                row("--top-k must be at least 0, not -3", "generate", M, "-p", "x", "--top-k", "-3"),
                row("--temp must be at least 0, not -1", "generate", M, "-p", "x", "--temp", "-1"),
                row("--temp must be at least 0, not NaN", "generate", M, "-p", "x", "--temp", "NaN"),
                row("--top-p must be in (0, 1], not 0", "generate", M, "-p", "x", "--top-p", "0"),
                row("--top-p must be in (0, 1], not 1.5", "generate", M, "-p", "x", "--top-p", "1.5"),
                row("--min-p must be in [0, 1], not 2", "generate", M, "-p", "x", "--min-p", "2"),
                row("--repeat-penalty must be above 0, not 0", "generate", M, "-p", "x", "--repeat-penalty", "0"),
                row("--repeat-last-n must be at least 0, not -1", "generate", M, "-p", "x", "--repeat-last-n", "-1"),
                row("--ctx-size must be at least 2, not 1", "generate", M, "-p", "x", "-c", "1"),
                row("--threads must be at least 1, not 0", "generate", M, "-p", "x", "-t", "0"),
                row("--n-predict must be -1 (no limit) or at least 1, not 0", "chat", M, "-p", "x", "-n", "0"),
                row("--n-predict must be -1 (no limit) or at least 1, not -5", "chat", M, "-p", "x", "-n", "-5"),
                row("--ctx-size must be at least 2, not 0", "chat", M, "-p", "x", "-c", "0"),
                row("--top-k must be at least 0, not -3", "chat", M, "-p", "x", "--top-k", "-3"),
                row("--threads must be at least 1, not 0", "chat", M, "-p", "x", "-t", "0"),
                row("--n-prompt must be at least 0, not -1", "bench", M, "-p", "-1"),
                row("--n-gen must be at least 0, not -1", "bench", M, "-n", "-1"),
                row("--repetitions must be at least 1, not 0", "bench", M, "-r", "0"),
                row("--threads must be at least 1, not 0", "bench", M, "-t", "0"),
                row("--repeat must be at least 1, not 0", "bench-quantize", M, "--type", "Q4_K", "-r", "0"),
                row("--threads must be at least 1, not 0", "bench-quantize", M, "--type", "Q4_K", "-t", "0"),
                row("THREADS must be at least 1, not 0", "quantize", M, out("q.gguf"), "Q4_K", "0"),
                row("--threads must be at least 1, not -2", "quantize", M, out("q.gguf"), "Q4_K", "-t", "-2"),
                row("Invalid value for option '--threads': 'two' is not an int", "quantize", M, out("q.gguf"), "Q4_K",
                        "--threads", "two"),
                row("--chunks must be at least 1, not 0", "allocate", M, "--imatrix", I, "--target-size", "Q4_K_M",
                        "-o", out("r.json"), "--chunks", "0"),
                row("--target-bpw must be in (0, 32], not 0", "allocate", M, "--imatrix", I, "--target-bpw", "0",
                        "-o", out("r.json")),
                row("--threads must be at least 1, not 0", "allocate", M, "--imatrix", I, "--target-size", "Q4_K_M",
                        "-o", out("r.json"), "-t", "0"),
                row("--threads must be at least 1, not 0", "health", M, "-t", "0"),
                row("--calib-chunks must be at least 1, not 0", "demo", "--out", out("demo"), "--calib-chunks", "0"),
                row("--eval-chunks must be at least 1, not -1", "demo", "--out", out("demo"), "--eval-chunks", "-1"),
                row("--layers must be at least 1, not 0", "synth", out("s.gguf"), "--preset", "qwen3-0.6b", "--layers", "0"),
                row("--vocab-size must be at least 1, not -1", "synth", out("s.gguf"), "--preset", "qwen3-0.6b",
                        "--vocab-size", "-1"),
                row("--threads must be at least 1, not 0", "synth", out("s.gguf"), "--preset", "qwen3-0.6b", "-t", "0"),
                row("unknown type 'Q7' in --type; valid types: " + FileType.validNames(), "quantize", M, out("q.gguf"),
                        "--type", "Q7"),
                row("unknown type 'Q7' in --output-tensor-type; valid types: "
                        + String.join(", ", TensorTypeOverrides.typeNames()), "quantize", M, out("q.gguf"), "Q4_K",
                        "--output-tensor-type", "Q7"),
                row("unknown type 'Q7' in --type; valid types: " + String.join(", ", TensorTypeOverrides.typeNames()),
                        "synth", out("s.gguf"), "--preset", "qwen3-0.6b", "--type", "Q7"),
                row("Unknown option: '--foo'", "quantize", M, out("q.gguf"), "Q4_K", "--foo"),
                row("Missing required parameter: 'OUT'", "quantize", M),
                row("no model given: MODEL or -m MODEL", "generate", "-p", "x"),
                row("give the model once, not " + M + " and -m " + M, "generate", M, "-m", M, "-p", "x"),
                row("--kl-divergence compares with the file of --kl-divergence-base FILE: give it",
                        "perplexity", M, "--kl-divergence"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badValues")
    void isAUsageErrorNamingTheOption(String message, String commandLine, String[] args) throws IOException {
        Cli.Result r = Cli.run(args);
        String command = "bitclass " + args[0];
        assertThat(r.err()).isEqualTo(command + ": " + message + System.lineSeparator()
                + "Try '" + command + " --help'" + System.lineSeparator());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        try (Stream<Path> written = Files.list(dir)) {
            assertThat(written).as("no output written").isEmpty();
        }
    }

    private static Arguments row(String message, String... args) {
        return Arguments.of(message, String.join(" ", args), args);
    }

    private static String out(String name) {
        return dir.resolve(name).toString();
    }
}
