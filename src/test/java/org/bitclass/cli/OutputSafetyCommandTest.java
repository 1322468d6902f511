package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No command writes over one of its inputs, however the output path spells it, and every output path is checked
 * before the work: each case fails at once with one line naming the user's path, and leaves every file as it was.
 */
class OutputSafetyCommandTest {

    @TempDir
    Path dir;

    private Path model;
    private Path link;
    private Path imatrix;
    private Path text;

    @BeforeEach
    void copyInputs() throws IOException {
        model = Files.copy(SharedData.path("models/minima-qwen3-bf16.gguf"), dir.resolve("model.gguf"));
        link = Files.createSymbolicLink(dir.resolve("link.gguf"), model.getFileName());
        imatrix = Files.copy(SharedData.path("golden/eval/minima.imatrix.gguf"), dir.resolve("imatrix.gguf"));
        text = Files.writeString(dir.resolve("calib.txt"), "In the beginning God created the heaven and the earth.\n");
        Files.createDirectory(dir.resolve("sub"));
    }

    @Test
    void imatrixOutputThroughDotDotIsTheModel() throws IOException {
        refused(dir.resolve("sub/../model.gguf"), model, "imatrix", model.toString(), "-f", text.toString(),
                "-o", dir.resolve("sub/../model.gguf").toString());
    }

    @Test
    void imatrixMergeOutputIsOneOfItsInputs() throws IOException {
        refused(imatrix, imatrix, "imatrix", "--merge", imatrix.toString(), "-o", imatrix.toString());
    }

    @Test
    void perplexityKldBaseIsTheModelThroughASymlink() throws IOException {
        refused(link, model, "perplexity", model.toString(), "-f", text.toString(), "--kld-base", link.toString());
    }

    @Test
    void healthJsonIsTheModel() throws IOException {
        refused(model, model, "health", model.toString(), "--json", model.toString());
    }

    @Test
    void sensitivityJsonIsTheModelThroughASymlink() throws IOException {
        refused(link, model, "sensitivity", model.toString(), "--imatrix", imatrix.toString(), "--json", link.toString());
    }

    @Test
    void sensitivityJsonIsItsImatrix() throws IOException {
        refused(imatrix, imatrix, "sensitivity", model.toString(), "--imatrix", imatrix.toString(),
                "--json", imatrix.toString());
    }

    @Test
    void quantizeOutputIsItsImatrix() throws IOException {
        refused(imatrix, imatrix, "quantize", model.toString(), imatrix.toString(), "Q4_K", "--imatrix", imatrix.toString());
    }

    @Test
    void quantizeOutputIsTheModelThroughASymlink() throws IOException {
        refused(link, model, "quantize", model.toString(), link.toString(), "Q4_K");
    }

    @Test
    void anOutputFolderFailsBeforeTheWork() {
        Path folder = dir.resolve("sub");
        failsAtOnce("cannot write " + folder + ": it is a folder",
                "imatrix", model.toString(), "-f", text.toString(), "-o", folder.toString());
        failsAtOnce("cannot write " + folder + ": it is a folder",
                "sensitivity", model.toString(), "-f", text.toString(), "--json", folder.toString());
        failsAtOnce("cannot write " + folder + ": it is a folder", "quantize", model.toString(), folder.toString(), "Q8_0");
    }

    @Test
    void aMissingOutputFolderFailsBeforeTheWork() {
        Path out = dir.resolve("missing/out.gguf");
        String message = "cannot write " + out + ": folder " + dir.resolve("missing") + " does not exist";
        failsAtOnce(message, "imatrix", model.toString(), "-f", text.toString(), "-o", out.toString());
        failsAtOnce(message, "quantize", model.toString(), out.toString(), "Q8_0");
        failsAtOnce(message, "perplexity", model.toString(), "-f", text.toString(), "--kld-base", out.toString());
        failsAtOnce(message, "health", model.toString(), "--json", out.toString());
    }

    @Test
    void anOutputFolderThatTakesNoFilesFailsBeforeTheWork() {
        failsAtOnce("cannot write /proc/out.gguf: cannot create a file there",
                "sensitivity", model.toString(), "-f", text.toString(), "--json", "/proc/out.gguf");
    }

    /** The command fails with the refusal, and the input it named is unchanged. */
    private void refused(Path out, Path input, String... args) throws IOException {
        byte[] before = Files.readAllBytes(input);
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).endsWith("refusing to write " + out + ": it is the input " + input
                + " of this command; choose another output file");
        assertThat(Files.readAllBytes(input)).isEqualTo(before);
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model.gguf", "link.gguf", "imatrix.gguf",
                "calib.txt", "sub");
    }

    /** The command fails with one line and has printed nothing of its work (no perplexity, no progress). */
    private static void failsAtOnce(String message, String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("bitclass " + args[0] + ": " + message + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }
}
