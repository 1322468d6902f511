package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The newcomer's first command: a release of the bundled model runs end to end and prints its tables. */
class DemoCommandTest {

    @Test
    void releasesTheBundledModelAndPrintsItsTables(@TempDir Path out) {
        Cli.Result r = Cli.run("demo", "--out", out.toString(), "--levels", "Q6_K", "--calib-chunks", "2",
                "--probe-chunks", "1", "--eval-chunks", "2", "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| level | file |", "| Q6_K ", "| stock KLD | BitClass KLD | change |",
                "recommended: Q6_K");
        assertThat(out.resolve("Minima-Q6_K.gguf")).exists();
        assertThat(out.resolve("Minima-Q6_K-stock.gguf")).exists();
        assertThat(out.resolve("results.json")).exists();
        assertThat(out.resolve("README.md")).exists();
    }
}
