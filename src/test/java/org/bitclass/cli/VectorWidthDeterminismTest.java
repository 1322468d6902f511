package org.bitclass.cli;

import jdk.incubator.vector.FloatVector;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.CommandSequence;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same model and text give the same bytes on every CPU: on an AVX-512 machine, a second JVM limited to 256-bit
 * vectors ({@code -XX:MaxVectorSize=32}, as an AVX2 machine runs) writes imatrices,
 * quantized models made with them and KLD bases identical to this JVM's, and prints the same KL divergences.
 */
class VectorWidthDeterminismTest {

    private static final List<String> MODELS = List.of("minima-qwen3-bf16", "minima-qwen35-bf16");
    private static final List<String> FILES = List.of("imatrix.gguf", "q4_k_m.gguf", "base.kld");

    /** This JVM's vector width in bytes. */
    private static final int WIDTH = FloatVector.SPECIES_PREFERRED.vectorByteSize();

    @TempDir
    Path dir;

    @Test
    void aNarrowerVectorUnitWritesTheSameBytes() throws Exception {
        assumeTrue(WIDTH > 32, "this CPU has 256-bit vectors, the narrowest of our machines: nothing to compare");
        // Both runs write into the same folder, one after the other, since the imatrix path goes into the GGUF.
        Path run = dir.resolve("run");
        List<List<String>> commands = new ArrayList<>();
        for (String model : MODELS) {
            commands.addAll(commands(SharedData.path("models/" + model + ".gguf"), run.resolve(model)));
        }

        createFolders(run);
        List<String> printedHere = new ArrayList<>();
        for (List<String> command : commands) {
            Cli.Result r = Cli.run(command.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            printedHere.add(r.out());
        }
        Path here = Files.move(run, dir.resolve("here"));

        createFolders(run);
        List<String> printedNarrow = runNarrow(commands);

        for (String model : MODELS) {
            for (String file : FILES) {
                assertThat(Files.mismatch(here.resolve(model).resolve(file), run.resolve(model).resolve(file)))
                        .as(model + "/" + file).isEqualTo(-1L);
            }
        }
        for (int i = 3; i < commands.size(); i += 4) { // the KLD reports
            assertThat(printedNarrow.get(i)).isEqualTo(printedHere.get(i));
        }
    }

    private static void createFolders(Path run) throws IOException {
        for (String model : MODELS) {
            Files.createDirectories(run.resolve(model));
        }
    }

    private static List<List<String>> commands(Path model, Path out) {
        String text = SharedData.path("corpus/kjv-test.txt").toString();
        String m = model.toString();
        String imatrix = out.resolve("imatrix.gguf").toString();
        String quantized = out.resolve("q4_k_m.gguf").toString();
        String base = out.resolve("base.kld").toString();
        return List.of(
                List.of("imatrix", m, "-f", text, "-c", "128", "--chunks", "2", "-o", imatrix),
                List.of("quantize", m, quantized, "Q4_K_M", "--imatrix", imatrix),
                List.of("perplexity", m, "-f", text, "-c", "128", "--chunks", "2", "--kld-base", base),
                List.of("perplexity", quantized, "-f", text, "-c", "128", "--chunks", "2", "--kld", base));
    }

    /** Runs the commands in one JVM limited to 256-bit vectors, as on AVX2; returns what each printed. */
    private static List<String> runNarrow(List<List<String>> commands) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:MaxVectorSize=32", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                CommandSequence.class.getName()));
        for (List<String> command : commands) {
            argv.addAll(command);
            argv.add(CommandSequence.THEN);
        }
        argv.removeLast();
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<String> printed = Arrays.asList(out.split(CommandSequence.MARK + "\n", -1));
        return printed.subList(1, printed.size());
    }
}
