package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateCommandTest {

    private final String minima = SharedData.path("models/minima-qwen3-f32.gguf").toString();

    @Test
    void greedyContinuationEqualsLlamaCpps() throws IOException {
        String golden = Files.readString(SharedData.path("golden/generate/minima-greedy-genesis.txt"));
        Cli.Result r = Cli.run("generate", minima, "-p", " = Ge 1 = \n\nIn the beginning", "-n", "48", "--temp", "0",
                "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        // llama-simple ends its output with newlines of its own after the 48 tokens; so do we (one)
        assertThat(r.out().stripTrailing()).isEqualTo(golden.stripTrailing());
        assertThat(r.err()).contains("generated 48 tokens", "stop: length");
    }

    @Test
    void stopStringEndsGenerationAndIsNotPrinted() {
        Cli.Result r = Cli.run("generate", minima, "-p", " = Ge 1 = \n\nIn the beginning", "-n", "48", "--temp", "0",
                "--stop", "midst");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(" = Ge 1 = \n\nIn the beginning of the LORD, in the \n");
        assertThat(r.err()).contains("stop: stop_string");
    }

    @Test
    void seededSamplingIsReproducible() {
        String[] args = {"generate", minima, "-p", "And God said", "-n", "12", "--seed", "7", "--temp", "1.0"};
        assertThat(Cli.run(args).out()).isEqualTo(Cli.run(args).out());
    }

    @Test
    void badOptionsFailBeforePrintingAnything() {
        Cli.Result r = Cli.run("generate", minima, "-p", "x", "--temp", "-1");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--temp must be at least 0, not -1");
        assertThat(Cli.run("generate", minima).err()).contains("Missing required");
    }
}
