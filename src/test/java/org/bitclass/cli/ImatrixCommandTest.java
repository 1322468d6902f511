package org.bitclass.cli;

import org.bitclass.gguf.GgufFile;
import org.bitclass.quant.Imatrix;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ImatrixCommandTest {

    private static final String MODEL = SharedData.path("models/minima-qwen3-f32.gguf").toString();
    private static final String TEXT = SharedData.path("corpus/kjv-calib.txt").toString();

    @TempDir
    static Path tmp;
    private static Cli.Result run;
    private static Path withMean;

    /** One short calibration (two chunks of 256 tokens) shared by the tests. */
    @BeforeAll
    static void calibrate() {
        withMean = tmp.resolve("mean.imatrix.gguf");
        run = Cli.run("imatrix", MODEL, "-f", TEXT, "-c", "256", "--chunks", "2", "--with-mean", "--threads", "2",
                "-o", withMean.toString());
    }

    @Test
    void printsLlamaImatrixLinesAndWritesTheFile() throws IOException {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("computing over 2 chunks, n_ctx=256, batch_size=2048, n_seq=8")
                .containsPattern("\\[1]\\d+\\.\\d{4},\\[2]\\d+\\.\\d{4},")
                .containsPattern("Final estimate: PPL = \\d+\\.\\d{4} \\+/- \\d+\\.\\d{5}")
                .contains("saved imatrix of 56 tensors (2 chunks of 256 tokens)");
        Imatrix m = Imatrix.read(withMean);
        assertThat(m.chunkCount()).isEqualTo(2);
        assertThat(m.chunkSize()).isEqualTo(256);
        assertThat(m.datasets()).containsExactly(TEXT);
        assertThat(m.entry("blk.7.ffn_down.weight").orElseThrow().counts()).containsExactly(512);
        assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().contains(".tmp"))).isEmpty();
    }

    /** in_sum holds Σx: by Cauchy–Schwarz (Σx/n)² ≤ Σx²/n in every column, with equality only for constant columns. */
    @Test
    void withMeanStoresInputSumsThatLlamaCppIgnores() throws IOException {
        try (GgufFile f = GgufFile.open(withMean)) {
            assertThat(f.tensors()).hasSize(3 * 56);
            assertThat(f.tensor("blk.0.attn_q.weight.in_sum").shape()).containsExactly(256);
            assertThat(f.tensors().getLast().name()).isEqualTo("blk.7.ffn_up.weight.in_sum");
        }
        Imatrix m = Imatrix.read(withMean);
        for (String name : m.names()) {
            Imatrix.Entry e = m.entry(name).orElseThrow();
            float[] sums = e.inputSums();
            float[] squares = e.sums();
            long n = e.counts()[0];
            assertThat(sums).as(name).isNotNull();
            for (int j = 0; j < sums.length; j++) {
                double mean = sums[j] / (double) n;
                assertThat(mean * mean).as(name + "[" + j + "]").isLessThanOrEqualTo(squares[j] / (double) n * (1 + 1e-5));
            }
        }
    }

    @Test
    void mergingAFileWithItselfDoublesSumsAndCounts() throws IOException {
        Path merged = tmp.resolve("merged.gguf");
        Cli.Result r = Cli.run("imatrix", "--merge", withMean.toString(), withMean.toString(), "-c", "256",
                "-o", merged.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Imatrix one = Imatrix.read(withMean);
        Imatrix two = Imatrix.read(merged);
        assertThat(two.chunkCount()).isEqualTo(4);
        assertThat(two.datasets()).containsExactly(TEXT, TEXT);
        for (String name : one.names()) {
            Imatrix.Entry a = one.entry(name).orElseThrow();
            Imatrix.Entry b = two.entry(name).orElseThrow();
            assertThat(b.counts()).containsExactly(2 * a.counts()[0]);
            float[] s = a.sums();
            float[] d = b.sums();
            for (int j = 0; j < s.length; j++) {
                assertThat(d[j]).isEqualTo(2 * s[j]);
            }
            assertThat(two.importance(name).orElseThrow()).containsExactly(one.importance(name).orElseThrow());
        }
    }

    @Test
    void legacyFormatAndItsLimits() throws IOException {
        Path dat = tmp.resolve("m.dat");
        Cli.Result r = Cli.run("imatrix", "--merge", withMean.toString(), "-c", "256", "--format", "dat", "-o", dat.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Imatrix legacy = Imatrix.read(dat);
        assertThat(legacy.isLegacy()).isTrue();
        assertThat(legacy.chunkCount()).isEqualTo(2);
        assertThat(legacy.importance("blk.3.attn_v.weight").orElseThrow())
                .containsExactly(Imatrix.read(withMean).importance("blk.3.attn_v.weight").orElseThrow());

        Cli.Result refused = Cli.run("imatrix", "--merge", withMean.toString(), "--with-mean", "--format", "dat",
                "-o", tmp.resolve("x.dat").toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("--with-mean needs the GGUF format");
    }

    @Test
    void clearErrorsForMissingInputs() {
        Cli.Result noText = Cli.run("imatrix", MODEL, "-o", tmp.resolve("x.gguf").toString());
        assertThat(noText.exitCode()).isNotZero();
        assertThat(noText.err()).contains("-f TEXT").doesNotContain("Exception");

        Cli.Result tooShort = Cli.run("imatrix", MODEL, "-f", TEXT, "-c", "100000", "-o", tmp.resolve("y.gguf").toString());
        assertThat(tooShort.exitCode()).isNotZero();
        assertThat(tooShort.err()).contains("needs at least 200000");
    }
}
