package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code release} killed with SIGKILL (a child JVM, {@code Process.destroyForcibly}) while the second level is being
 * made, then run again: the stages finished before the kill are not redone, and the folder ends byte-identical to an
 * uninterrupted run's (results.json without its timings). Slow: three runs of the pipeline.
 */
@Tag("slow")
class ReleaseKillTest {

    @TempDir
    Path tmp;

    @Test
    void aRunKilledDuringALevelResumesToTheSameBytes() throws Exception {
        Path whole = tmp.resolve("whole");
        Cli.Result uninterrupted = Cli.run(ReleaseCommandTest.args(whole));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

        Path killed = tmp.resolve("killed");
        int finishedBeforeKill = runAndKillAfter(killed, "Q6_K: allocation");
        Cli.Result resumed = Cli.run(ReleaseCommandTest.args(killed));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        List<String> lines = resumed.err().lines().filter(l -> l.startsWith("[")).toList();
        assertThat(lines.subList(0, finishedBeforeKill)).allMatch(l -> l.contains("stored"));
        assertThat(lines.subList(finishedBeforeKill, lines.size())).anyMatch(l -> l.contains("done in"));

        try (var files = Files.list(whole)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".gguf")).toList()) {
                assertThat(Files.mismatch(f, killed.resolve(f.getFileName().toString()))).as(f.toString()).isEqualTo(-1L);
            }
        }
        assertThat(ReleaseCommandTest.withoutTimings(killed)).isEqualTo(ReleaseCommandTest.withoutTimings(whole));
    }

    @Test
    void forceRedoesEveryStage() throws IOException {
        Path dir = tmp.resolve("forced");
        assertThat(Cli.run(ReleaseCommandTest.args(dir)).exitCode()).isZero();
        Cli.Result again = Cli.run(ReleaseCommandTest.args(dir, "--force"));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err().lines().filter(l -> l.startsWith("["))).isNotEmpty().noneMatch(l -> l.contains("stored"));
    }

    /** Runs release in a child JVM and kills it when the stage named {@code stage} has finished; returns its index. */
    private static int runAndKillAfter(Path out, String stage) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(ReleaseCommandTest.args(out)));
        Process child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int index = 0;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                if (line.startsWith("[")) {
                    index++;
                    if (line.contains(stage)) {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed").isNotZero();
        assertThat(index).as("stage '" + stage + "' reached").isPositive();
        return index;
    }
}
