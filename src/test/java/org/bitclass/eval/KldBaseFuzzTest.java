package org.bitclass.eval;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.FileFuzzer;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Damaged KL-divergence base files are read to the end or refused with one clean line. */
class KldBaseFuzzTest {

    @TempDir
    static Path dir;

    private static Path base;

    @BeforeAll
    static void writeASmallBase() {
        base = dir.resolve("small.kld");
        Cli.Result r = Cli.run("perplexity", SharedData.path("models/minima-qwen3-bf16.gguf").toString(),
                "-f", SharedData.path("corpus/kjv-test.txt").toString(), "-c", "16", "--chunks", "2",
                "--kld-base", base.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void damagedBasesAreReadOrRefusedCleanly() throws IOException {
        fuzz(600);
    }

    @Test
    @Tag("slow")
    void tenThousandDamagedBases() throws IOException {
        fuzz(10_000);
    }

    /** Damage lands mostly in the header and tokens, and in the first records. */
    private static void fuzz(int cases) throws IOException {
        FileFuzzer.Report r = FileFuzzer.run(base, 4096, cases, 17, dir, KldBaseFormatException.class, f -> {
            try (KldBaseReader reader = KldBaseReader.open(f)) {
                QuantizedLogProbs record = new QuantizedLogProbs(reader.nVocab());
                for (long i = 0; i < (long) reader.nChunk() * KldBaseFormat.recordsPerChunk(reader.nCtx()); i++) {
                    reader.read(record);
                }
            }
        });
        System.out.println("KLD base fuzzing: " + r);
        assertThat(r.crashes()).isEmpty();
        assertThat(r.rejected()).isPositive();
    }
}
