package org.bitclass.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guarded output path: checks, temporary file, rename, and the input registry behind the checks. */
class OutputFileTest {

    @TempDir
    Path dir;

    @BeforeEach
    void startACommand() {
        RunInputs.begin();
    }

    @AfterEach
    void endTheCommand() {
        RunInputs.end();
    }

    @Test
    void writesThroughATemporaryFileRenamedWhenComplete() throws IOException {
        Path target = dir.resolve("out.txt");
        OutputFile.write(target, temp -> {
            assertThat(temp.getParent()).isEqualTo(dir.toAbsolutePath());
            assertThat(temp.getFileName().toString()).startsWith(".out.txt.tmp-" + ProcessHandle.current().pid() + "-");
            assertThat(target).doesNotExist();
            Files.writeString(temp, "done");
        });
        assertThat(target).hasContent("done");
        assertThat(dir.toFile().list()).containsExactly("out.txt");
    }

    @Test
    void aFailedWriteLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("out.txt"), "old");
        assertThatThrownBy(() -> OutputFile.write(target, temp -> {
            Files.writeString(temp, "half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(target).hasContent("old");
        assertThat(dir.toFile().list()).containsExactly("out.txt");
    }

    @Test
    void refusesAnInputHoweverThePathSpellsIt() throws IOException {
        Path model = Files.writeString(dir.resolve("model.gguf"), "weights");
        Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link.gguf"), model.getFileName());
        Path hard = Files.createLink(dir.resolve("hard.gguf"), model);
        RunInputs.add(model);
        for (Path out : new Path[]{dir.resolve("sub/../model.gguf"), link, hard}) {
            assertThatThrownBy(() -> OutputFile.write(out, temp -> Files.writeString(temp, "x")))
                    .hasMessage("refusing to write " + out + ": it is the input " + model
                            + " of this command; choose another output file");
        }
        assertThat(model).hasContent("weights");
    }

    @Test
    void checksNameTheUsersPathAndTheReason() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("out.gguf"));
        assertThatThrownBy(() -> OutputFile.check(folder))
                .hasMessage("cannot write " + folder + ": it is a folder");
        Path orphan = dir.resolve("missing/out.gguf");
        assertThatThrownBy(() -> OutputFile.check(orphan))
                .hasMessage("cannot write " + orphan + ": folder " + dir.resolve("missing") + " does not exist");
        assertThatThrownBy(() -> OutputFile.check(Path.of("/proc/out.gguf")))
                .hasMessage("cannot write /proc/out.gguf: cannot create a file there");
        assertThat(dir.toFile().list()).containsExactly("out.gguf");
    }

    @Test
    void removesTemporaryFilesOfDeadProcessesOnly() throws Exception {
        long dead = deadPid();
        long alive = ProcessHandle.current().parent().orElseThrow().pid();
        Path stale = Files.writeString(dir.resolve(".big.gguf.tmp-" + dead + "-7"), "partial");
        Path running = Files.writeString(dir.resolve(".big.gguf.tmp-" + alive + "-7"), "in progress");
        Path other = Files.writeString(dir.resolve(".notes.tmp-x"), "not ours");
        var err = new java.io.ByteArrayOutputStream();
        var old = System.err;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            OutputFile.check(dir.resolve("out.gguf"));
        } finally {
            System.setErr(old);
        }
        assertThat(stale).doesNotExist();
        assertThat(running).exists();
        assertThat(other).exists();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("bitclass: removed " + stale
                + ", a temporary file left by process " + dead + ", which has ended" + System.lineSeparator());
    }

    /** The pid of a process that has ended. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
