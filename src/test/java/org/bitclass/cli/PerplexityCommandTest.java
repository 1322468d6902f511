package org.bitclass.cli;

import org.bitclass.eval.EvalChunks;
import org.bitclass.eval.KldBaseWriter;
import org.bitclass.eval.QuantizedLogProbs;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/** {@code bitclass perplexity} end to end on short runs of the Minima model, and its one-line errors. */
class PerplexityCommandTest {

    private static final String F32 = SharedData.path("models/minima-qwen3-f32.gguf").toString();
    private static final String BF16 = SharedData.path("models/minima-qwen3-bf16.gguf").toString();
    private static final String TEXT = SharedData.path("corpus/kjv-test.txt").toString();
    private static final String GOLDEN_BASE = SharedData.path("golden/eval/minima-F32.kld-base.bin").toString();

    @TempDir
    Path dir;

    private static void assertOneLineError(Cli.Result r, String message) {
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("bitclass perplexity: " + message);
    }

    @Test
    void perplexityPrintsTheRunningLineAndTheFinalEstimate() {
        Cli.Result r = Cli.run("perplexity", F32, "-f", TEXT, "-c", "64", "--chunks", "3", "-t", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).matches("(?s)\\[1]\\d+\\.\\d{4},\\[2]\\d+\\.\\d{4},\\[3]\\d+\\.\\d{4},\n"
                + "Final estimate: PPL = \\d+\\.\\d{4} \\+/- \\d+\\.\\d{5}\n");
    }

    @Test
    void aBaseWrittenHereComparesWithAnotherModel() {
        Path base = dir.resolve("base.bin");
        Cli.Result written = Cli.run("perplexity", F32, "-f", TEXT, "-c", "64", "--chunks", "4", "--kld-base", base.toString());
        assertThat(written.exitCode()).as(written.err()).isZero();
        assertThat(base).exists();

        Cli.Result r = Cli.run("perplexity", BF16, "--kld", base.toString(), "-f", TEXT);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("chunk             PPL ")
                .contains("\n   4    ", "====== Perplexity statistics ======", "====== KL divergence statistics ======",
                        "====== Token probability statistics ======", "Same top p: ");
        // the base perplexity of the comparison is the perplexity the base run printed, recomputed from the base
        // file's stored log-probabilities: another float summation, so equal to about 1e-5 whatever the CPU
        double ppl = Double.parseDouble(written.out().lines().filter(l -> l.startsWith("Final estimate"))
                .findFirst().orElseThrow().split(" ")[4]);
        Matcher basePpl = Pattern.compile("Mean PPL\\(base\\) {16}: +(\\d+\\.\\d{6}) ±").matcher(r.out());
        assertThat(basePpl.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(basePpl.group(1))).isCloseTo(ppl, withinPercentage(0.002));
    }

    /**
     * --float-batches moves a Q8_0 model's log-probabilities only slightly from its exact run (the base here);
     * without it they are the base's, so the mean KLD prints as 0 (the base file stores rounded log-probabilities,
     * which leaves a KLD below 1e-4 for single tokens).
     */
    @Test
    void floatBatchesChangeAQuantizedModelOnlySlightly() {
        Path q8 = dir.resolve("q8.gguf");
        assertThat(Cli.run("quantize", F32, q8.toString(), "Q8_0").exitCode()).isZero();
        Path base = dir.resolve("q8-base.bin");
        Cli.Result written = Cli.run("perplexity", q8.toString(), "-f", TEXT, "-c", "64", "--chunks", "4", "-t", "2",
                "--kld-base", base.toString());
        assertThat(written.exitCode()).as(written.err()).isZero();

        assertThat(meanKld(Cli.run("perplexity", q8.toString(), "--kld", base.toString(), "-t", "2"))).isZero();
        double floats = meanKld(Cli.run("perplexity", q8.toString(), "--kld", base.toString(), "-t", "2",
                "--float-batches"));
        assertThat(floats).isPositive().isLessThan(1e-3);
    }

    private static double meanKld(Cli.Result r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        Matcher m = Pattern.compile("Mean    KLD: +(-?\\d+\\.\\d+) ±").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aMissingModelIsOneLine() {
        assertOneLineError(Cli.run("perplexity", dir.resolve("none.gguf").toString(), "-f", TEXT),
                "no such file: " + dir.resolve("none.gguf"));
    }

    @Test
    void theTextIsRequiredToMeasure() {
        assertOneLineError(Cli.run("perplexity", F32), "give the text to evaluate with -f TEXT");
    }

    @Test
    void aShortTextIsRefusedAsLlamaCppRefusesIt() throws IOException {
        Path text = Files.writeString(dir.resolve("short.txt"), "In the beginning God created the heaven and the earth.\n");
        assertOneLineError(Cli.run("perplexity", F32, "-f", text.toString()),
                "you need at least 1024 tokens to evaluate perplexity with a context of 512; the text tokenizes to only 16"
                        + " tokens");
    }

    @Test
    void aBaseFileOfAnotherVocabularyIsRefused() throws IOException {
        Path base = dir.resolve("small-vocab.bin");
        EvalChunks chunks = EvalChunks.of(new int[16], 8, -1, OptionalInt.empty());
        try (KldBaseWriter w = KldBaseWriter.create(base, chunks, 50)) {
            QuantizedLogProbs record = new QuantizedLogProbs(50);
            for (int i = 0; i < 2 * 3; i++) {
                w.write(record);
            }
            w.commit();
        }
        assertOneLineError(Cli.run("perplexity", F32, "--kld", base.toString()),
                base + " was written for a vocabulary of 50 tokens; the model has 4101");
    }

    @Test
    void aTruncatedBaseFileIsRefused() throws IOException {
        Path cut = dir.resolve("cut.bin");
        try (var in = Files.newInputStream(Path.of(GOLDEN_BASE))) {
            Files.write(cut, in.readNBytes(1_000_000));
        }
        assertOneLineError(Cli.run("perplexity", F32, "--kld", cut.toString()), cut + ": truncated: 8 chunks of 512"
                + " tokens over a vocabulary of 4101 need 16768884 bytes, the file has 1000000");
    }

    @Test
    void aBaseFileOfAnotherContextOrTextIsRefused() throws IOException {
        assertOneLineError(Cli.run("perplexity", F32, "--kld", GOLDEN_BASE, "-c", "256"),
                GOLDEN_BASE + " was computed with -c 512; leave out -c or give -c 512");
        Path other = Files.writeString(dir.resolve("other.txt"), Files.readString(Path.of(TEXT)).substring(1000));
        assertOneLineError(Cli.run("perplexity", F32, "--kld", GOLDEN_BASE, "-f", other.toString()),
                GOLDEN_BASE + " was computed on another text (or vocabulary) than " + other);
    }

    @Test
    void writingAndReadingABaseAtOnceIsAUsageError() {
        Cli.Result r = Cli.run("perplexity", F32, "-f", TEXT, "--kld", "a.bin", "--kld-base", "b.bin");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("mutually exclusive");
    }
}
