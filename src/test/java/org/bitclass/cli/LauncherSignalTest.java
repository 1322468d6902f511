package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher script, killed while a command writes its output: the JVM goes down with it (the launcher execs java),
 * no output appears, and a temporary file that a kill -9 leaves behind is removed, with a message, by the next run.
 */
class LauncherSignalTest {

    @TempDir
    Path dir;

    @Test
    void sigtermToTheLauncherStopsJavaAndLeavesNothing() throws Exception {
        Path out = dir.resolve("big.gguf");
        Process launcher = startWriting(out);
        Path temp = awaitTemp();
        List<ProcessHandle> tree = treeOf(launcher);

        launcher.destroy();

        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).as("launcher ended").isTrue();
        awaitDead(tree);
        assertThat(out).doesNotExist();
        assertThat(temp).as("the shutdown hook deletes the partial file").doesNotExist();
    }

    @Test
    void killMinus9LeavesATempFileThatTheNextRunRemoves() throws Exception {
        Path out = dir.resolve("big.gguf");
        Process launcher = startWriting(out);
        Path temp = awaitTemp();
        List<ProcessHandle> tree = treeOf(launcher);

        launcher.destroyForcibly();

        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        awaitDead(tree);
        assertThat(out).doesNotExist();
        assertThat(temp).exists();

        Path json = dir.resolve("health.json");
        Cli.Result next = Cli.run("health", DemoFiles.file(DemoFiles.MODEL).toString(), "--json", json.toString());
        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(next.err()).contains("bitclass: removed " + temp + ", a temporary file left by process "
                + launcher.pid() + ", which has ended");
        assertThat(temp).doesNotExist();
        assertThat(json).exists();
    }

    /** Runs {@code ./bitclass synth} on the classes under test, writing a 1.2 GB model: seconds of output. */
    private Process startWriting(Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of("bitclass").toAbsolutePath().toString(), "synth", out.toString(),
                "--preset", "qwen3-0.6b", "--type", "BF16", "--threads", "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile());
        pb.environment().put("BITCLASS_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("BITCLASS_JAVA_OPTS", "-Xmx512m");
        return pb.start();
    }

    private Path awaitTemp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(dir)) {
                Optional<Path> temp = files.filter(f -> f.getFileName().toString().startsWith(".big.gguf.tmp-"))
                        .findFirst();
                if (temp.isPresent() && Files.size(temp.get()) > 0) {
                    return temp.get();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no temporary output appeared; log:\n" + log());
    }

    /** The launcher (java itself once it has exec'ed) and the stderr filter it started. */
    private static List<ProcessHandle> treeOf(Process launcher) {
        return Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants()).toList();
    }

    private void awaitDead(List<ProcessHandle> tree) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (tree.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still running: " + tree.stream().filter(ProcessHandle::isAlive)
                        .map(h -> h.pid() + " " + h.info().command().orElse("?")).toList() + "\n" + log());
            }
            Thread.sleep(50);
        }
    }

    private String log() throws IOException {
        File f = dir.resolve("launcher.log").toFile();
        return f.exists() ? Files.readString(f.toPath()) : "";
    }
}
