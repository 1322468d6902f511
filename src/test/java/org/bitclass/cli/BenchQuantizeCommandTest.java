package org.bitclass.cli;

import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

class BenchQuantizeCommandTest {

    private final String probe = SharedData.path("models/quant-probe.gguf").toString();

    @Test
    void measuresEveryTypeOverTheWeightMatricesOnly() throws IOException {
        String imatrix = SharedData.path("golden/quant/probe.imatrix.gguf").toString();
        Cli.Result r = Cli.run("bench-quantize", probe, "--type", "Q4_K,IQ4_XS", "--imatrix", imatrix,
                "--threads", "2", "--repeat", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String[]> rows = r.out().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| type"))
                .map(l -> Arrays.stream(l.split("\\|")).map(String::trim).skip(1).toArray(String[]::new)).toList();
        assertThat(rows).extracting(c -> c[0]).containsExactly("Q4_K", "IQ4_XS");
        long matrixBytes = 0;
        try (GgufFile f = GgufFile.open(SharedData.path("models/quant-probe.gguf"))) {
            for (TensorInfo t : f.tensors()) {
                matrixBytes += t.nDims() >= 2 ? t.nBytes() : 0;
            }
        }
        for (String[] row : rows) {
            assertThat(row[1]).isEqualTo("probe.imatrix.gguf");
            assertThat(row[2]).isEqualTo("2");
            // 1-D norms keep their type, so only the matrices count
            assertThat(row[4]).isEqualTo(String.format(Locale.ROOT, "%.1f", matrixBytes / 1e6));
            assertThat(row[5]).matches("\\d+\\.\\d\\d ± \\d+\\.\\d\\d");
            assertThat(row[6]).matches("\\d+\\.\\d\\d ± \\d+\\.\\d\\d");
            double mbPerSecond = Double.parseDouble(row[5].split(" ")[0]);
            double weightsPerSecond = Double.parseDouble(row[6].split(" ")[0]);
            // an F32 model: four bytes per weight
            assertThat(mbPerSecond).isCloseTo(4 * weightsPerSecond, withPercentage(1));
        }
    }

    @Test
    void anUnknownTypeIsReportedClearly() {
        Cli.Result r = Cli.run("bench-quantize", probe, "--type", "Q4_K,Q9_X");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("unknown type 'Q9_X'").doesNotContain("Exception");
    }
}
