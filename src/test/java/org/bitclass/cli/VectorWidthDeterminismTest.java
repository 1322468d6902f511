package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same model and text give the same bytes on every CPU: a second JVM limited to narrower vectors than this
 * machine's ({@code -XX:MaxVectorSize}, as an AVX2 machine would run on an AVX-512 one) writes an imatrix, a
 * quantized model made with it and a KLD base identical to this JVM's, and prints the same KL divergence.
 */
class VectorWidthDeterminismTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"minima-qwen3-bf16.gguf", "minima-qwen35-bf16.gguf"})
    void aNarrowerVectorUnitWritesTheSameBytes(String modelName) throws Exception {
        Path model = SharedData.path("models/" + modelName);
        // Both runs write into the same folder, one after the other, since the imatrix path goes into the GGUF.
        Path run = dir.resolve("run");

        Files.createDirectory(run);
        String printedHere = "";
        for (List<String> command : commands(model, run)) {
            Cli.Result r = Cli.run(command.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            printedHere = r.out();
        }
        Path here = Files.move(run, dir.resolve("here"));

        Files.createDirectory(run);
        String printedNarrow = "";
        for (List<String> command : commands(model, run)) {
            printedNarrow = runNarrow(command);
        }

        for (String file : List.of("imatrix.gguf", "q4_k_m.gguf", "base.kld")) {
            assertThat(Files.mismatch(here.resolve(file), run.resolve(file))).as(file).isEqualTo(-1L);
        }
        assertThat(printedNarrow).isEqualTo(printedHere);
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

    /** Runs one command in a JVM whose vectors are half this one's width (128 bits where this one has 256). */
    private static String runNarrow(List<String> command) throws IOException, InterruptedException {
        int narrowBytes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorByteSize() / 2;
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:MaxVectorSize=" + narrowBytes, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        argv.addAll(command);
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
        return out;
    }
}
