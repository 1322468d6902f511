package org.bitclass.cli;

import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Away from a terminal, progress is a line per tenth of the work, without the bar's carriage returns. */
class ProgressTest {

    @Test
    void aPipeGetsALinePerTenth() {
        var bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = Progress.bar("quantize", 25, "tensors", new PrintStream(bytes, true), false)) {
            for (int i = 0; i < 25; i++) {
                bar.step();
                bar.refresh();
            }
        }
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain("\r");
        assertThat(log.lines().map(l -> l.replaceAll(", \\d+ s$", ""))).containsExactly(
                "quantize:  12% (3/25 tensors)", "quantize:  20% (5/25 tensors)", "quantize:  32% (8/25 tensors)", "quantize:  40% (10/25 tensors)",
                "quantize:  52% (13/25 tensors)", "quantize:  60% (15/25 tensors)", "quantize:  72% (18/25 tensors)",
                "quantize:  80% (20/25 tensors)", "quantize:  92% (23/25 tensors)", "quantize: 100% (25/25 tensors)");
    }

    @Test
    void aTerminalGetsTheRedrawnBar() {
        var bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = Progress.bar("quantize", 4, "tensors", new PrintStream(bytes, true), true)) {
            bar.stepBy(4);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\r", "quantize 100%");
    }
}
