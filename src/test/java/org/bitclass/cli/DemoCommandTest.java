package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The newcomer's first command: the pipeline runs end to end on the bundled model and prints its table. */
class DemoCommandTest {

    @Test
    void pipelineProducesTheComparisonTable(@TempDir Path out) {
        Cli.Result r = Cli.run("demo", "--out", out.toString(), "--types", "Q8_0,Q3_K", "--calib-chunks", "4",
                "--eval-chunks", "2", "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| BF16 ", "| Q8_0 ", "| Q3_K ", "KLD 99.9%");
        assertThat(out.resolve("minima-Q8_0.gguf")).exists();
        assertThat(out.resolve("minima.imatrix.gguf")).exists();
        String q8 = r.out().lines().filter(l -> l.startsWith("| Q8_0")).findFirst().orElseThrow();
        String q3 = r.out().lines().filter(l -> l.startsWith("| Q3_K")).findFirst().orElseThrow();
        double kldQ8 = Double.parseDouble(q8.split("\\|")[6].strip());
        double kldQ3 = Double.parseDouble(q3.split("\\|")[6].strip());
        assertThat(kldQ8).as("8-bit is closer to the original than 3-bit").isLessThan(kldQ3).isGreaterThanOrEqualTo(0);
    }
}
