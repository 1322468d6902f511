package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bitclass serve} refuses bad options with one line naming the option, before loading anything. */
class ServeCommandTest {

    private static final String MINIMA = SharedData.path("models/minima-qwen3-bf16.gguf").toString();

    private static void assertRefused(String expected, String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip().lines().findFirst().orElse("")).contains(expected);
    }

    @Test
    void refusesBadOptions(@TempDir Path dir) {
        assertRefused("--parallel must be in [1, 256], not 0", "serve", MINIMA, "--parallel", "0");
        assertRefused("--ctx must be at least 0, not -5", "serve", MINIMA, "--ctx", "-5");
        assertRefused("--port must be in [0, 65535], not 70000", "serve", MINIMA, "--port", "70000");
        assertRefused("--api-key must not be empty", "serve", MINIMA, "--api-key", "");
        assertRefused("--models: not a folder", "serve", "--models", dir.resolve("none").toString());
        assertRefused("mutually exclusive", "serve", MINIMA, "--models", dir.toString());
        assertRefused("Missing required argument", "serve");
    }
}
