package org.bitclass.cli;

import org.bitclass.calib.SensitivityReport;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SensitivityCommandTest {

    private static final String MINIMA = SharedData.path("models/minima-qwen3-f32.gguf").toString();

    @TempDir
    Path tmp;

    @Test
    void ranksMinimaFromAnImatrixAndWritesJson() throws IOException {
        Path json = tmp.resolve("s.json");
        Cli.Result r = Cli.run("sensitivity", MINIMA, "--imatrix",
                SharedData.path("golden/eval/minima.imatrix.gguf").toString(), "--json", json.toString(), "--top", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        SensitivityReport report = SensitivityReport.readJson(json);
        assertThat(r.out()).contains("by layer, most sensitive first", "by role, most sensitive first",
                "most sensitive tensors", report.tensors().getFirst().name());
        // the printed layer order is the report's
        String out = r.out().substring(r.out().indexOf("by layer"), r.out().indexOf("by role"));
        int last = -1;
        for (var layer : report.layers()) {
            int at = out.indexOf("\n" + layer.key() + " ");
            assertThat(at).isGreaterThan(last);
            last = at;
        }
    }

    @Test
    void calibratesFromTextWhenGivenOne() {
        Cli.Result r = Cli.run("sensitivity", MINIMA, "-f", SharedData.path("corpus/kjv-calib.txt").toString(),
                "-c", "128", "--chunks", "1", "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("computing over 1 chunks, n_ctx=128", "Final estimate", "by role");
    }

    @Test
    void needsExactlyOneSource() {
        Cli.Result r = Cli.run("sensitivity", MINIMA);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("Missing required argument (specify one of these): (-f=TEXT | --imatrix=FILE)");
    }
}
