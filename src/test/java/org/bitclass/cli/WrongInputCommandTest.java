package org.bitclass.cli;

import org.bitclass.quant.Imatrix;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Inputs of the wrong kind or for another model are refused at once with one line naming the files. */
class WrongInputCommandTest {

    private static final String MODEL = SharedData.path("models/minima-qwen3-bf16.gguf").toString();
    private static final String IMATRIX = SharedData.path("golden/eval/minima.imatrix.gguf").toString();
    private static final String QWEN35_IMATRIX = SharedData.path("golden/eval/minima-qwen35.imatrix.gguf").toString();

    @TempDir
    Path tmp;

    @Test
    void sensitivityRefusesTheImatrixOfAnotherArchitecture() {
        fails("the imatrix " + QWEN35_IMATRIX + " does not match " + MODEL
                        + ": it has data for 'blk.0.attn_gate.weight', which is not a tensor of the model",
                "sensitivity", MODEL, "--imatrix", QWEN35_IMATRIX);
    }

    @Test
    void sensitivityRefusesAnImatrixCoveringFewOfTheModelsMatrices() throws IOException {
        // every entry is a tensor of the model, but one of its 56 matrices is not the imatrix of the model
        String partial = oneEntryImatrix("blk.0.attn_q.weight", 1024);
        fails("the imatrix " + partial + " does not match " + MODEL
                        + ": it has no entry for 55 of the 56 weight matrices of the model, e.g. 'blk.0.attn_k.weight'",
                "sensitivity", MODEL, "--imatrix", partial);
    }

    @Test
    void imatrixMergeRefusesFilesOfDifferentModels() {
        Path out = tmp.resolve("merged.gguf");
        fails("the imatrix " + QWEN35_IMATRIX + " does not match " + IMATRIX
                        + ": it has data for 'blk.0.attn_gate.weight', which the other has not",
                "imatrix", "--merge", IMATRIX, QWEN35_IMATRIX, "-o", out.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void imatrixMergeOfOneModelsFilesStillWorks() {
        Cli.Result r = Cli.run("imatrix", "--merge", IMATRIX, SharedData.path("golden/eval/minima.imatrix.dat").toString(),
                "-o", tmp.resolve("merged.gguf").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void quantizeRefusesAnImatrixFileAsItsInput() {
        Path out = tmp.resolve("q.gguf");
        fails(IMATRIX + " is an imatrix file, not a model: give it with --imatrix",
                "quantize", IMATRIX, out.toString(), "Q4_K_M");
        assertThat(out).doesNotExist();
    }

    @Test
    void quantizeRefusesAGgufWithoutWeightMatrices() {
        String vocabulary = SharedData.path("golden/tokenizer/qwen3-vocab.gguf").toString();
        Path out = tmp.resolve("q.gguf");
        fails(vocabulary + " holds no weight matrices to quantize: is it a model?", "quantize", vocabulary,
                out.toString(), "Q8_0");
        assertThat(out).doesNotExist();
    }

    @Test
    void quantizeWarnsOfATensorTypeRuleThatMatchesNothing() {
        Cli.Result r = Cli.run("quantize", MODEL, tmp.resolve("q.gguf").toString(), "Q4_K_M",
                "--tensor-type", "attn_x=q8_0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: --tensor-type 'attn_x=q8_0' matched no quantizable tensor");
    }

    @Test
    void allocateWarnsOfATensorTypeRuleThatMatchesNothing() {
        Cli.Result r = Cli.run("allocate", MODEL, "--imatrix", IMATRIX, "--target-size", "Q4_K_M",
                "-o", tmp.resolve("r.json").toString(), "--tensor-type", "attn_x=q8_0", "--tensor-type", "ffn_down=q6_k");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: --tensor-type 'attn_x=q8_0' matched no weight matrix")
                .doesNotContain("'ffn_down=q6_k' matched");
    }

    private String oneEntryImatrix(String tensor, int columns) throws IOException {
        Path path = tmp.resolve("partial.imatrix.gguf");
        float[] sums = new float[columns];
        Arrays.fill(sums, 2f);
        Imatrix.of(Map.of(tensor, new Imatrix.Entry(sums, new long[]{4})), List.of("t.txt"), 1, 512).writeGguf(path);
        return path.toString();
    }

    private static void fails(String message, String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("bitclass " + args[0] + ": " + message + System.lineSeparator());
    }
}
