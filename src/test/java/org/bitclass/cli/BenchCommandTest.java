package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** bench prints llama-bench's table with the spread of its repetitions, and the statistics behind it. */
class BenchCommandTest {

    @Test
    void theSpreadOfRepetitionsIsTheirSampleStatistics() {
        double[] rates = {10, 12, 14};
        assertThat(Units.meanAndSd(rates)).isEqualTo("12.00 ± 2.00");
        assertThat(Units.coefficientOfVariation(rates)).isEqualTo("16.7");
        assertThat(Units.coefficientOfVariation(new double[] {5})).isEqualTo("0.0");
    }

    @Test
    void eachTestRowCarriesItsCoefficientOfVariation() {
        Cli.Result r = Cli.run("bench", SharedData.path("models/minima-qwen3-bf16.gguf").toString(),
                "-p", "16", "-n", "4", "-r", "3", "-t", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("|")).toList()).hasSize(3)
                .allSatisfy(l -> assertThat(l.split("\\|")).hasSize(8));
        assertThat(r.out()).contains("   CV % |", "| pp16 ", "| tg4 ");
    }
}
