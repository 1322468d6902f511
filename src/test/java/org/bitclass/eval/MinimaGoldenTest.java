package org.bitclass.eval;

import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.testutil.SharedData;
import org.bitclass.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Perplexity and KL divergence of the Minima model on kjv-test against llama-perplexity's outputs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MinimaGoldenTest {

    private static final Path F32 = SharedData.path("models/minima-qwen3-f32.gguf");
    private static final Path BF16 = SharedData.path("models/minima-qwen3-bf16.gguf");
    private static final Path BASE = SharedData.path("golden/eval/minima-F32.kld-base.bin");
    private static final int N_CTX = 512;

    private Tokenizer tokenizer;
    private int[] tokens;

    @TempDir
    Path dir;

    @BeforeAll
    void tokenize() throws IOException {
        tokenizer = Tokenizer.open(F32);
        tokens = EvalText.tokenize(tokenizer, EvalText.read(SharedData.path("corpus/kjv-test.txt")));
    }

    private static String golden(String name) throws IOException {
        return Files.readString(SharedData.path("golden/eval/" + name));
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }

    private EvalChunks chunks(int max) {
        return EvalChunks.of(tokens, N_CTX, max, EvalText.chunkStart(tokenizer));
    }

    private static NllAccumulator perplexity(Path model, EvalChunks chunks) throws IOException {
        try (LanguageModel lm = Models.open(model, 2)) {
            return Perplexity.measure(new ModelLogits(lm, N_CTX), chunks, (c, p) -> { });
        }
    }

    private static KldAccumulator kld(Path model) throws IOException {
        try (LanguageModel lm = Models.open(model, 2); KldBaseReader base = KldBaseReader.open(BASE)) {
            return KlDivergence.measure(new ModelLogits(lm, N_CTX), base, base.nChunk(), OptionalInt.empty(),
                    (c, s) -> { });
        }
    }

    @Test
    void theGoldenBaseFileHoldsOurTokensOfTheText() throws IOException {
        assertThat(EvalText.chunkStart(tokenizer)).as("qwen3 adds no BOS").isEmpty();
        try (KldBaseReader base = KldBaseReader.open(BASE)) {
            assertThat(base.tokens()).isEqualTo(Arrays.copyOf(tokens, 8 * N_CTX));
        }
    }

    @Test
    void f32AgainstItsOwnGoldenBaseDivergesOnlyByRounding() throws IOException {
        KldStatistics s = kld(F32).statistics();
        assertThat(s.ppl().value()).isCloseTo(s.pplBase().value(), within(1e-5 * s.pplBase().value()));
        assertThat(s.kld().value()).isCloseTo(0, within(1e-6));
        assertThat(s.sameTop().value()).isEqualTo(1.0);
    }

    /**
     * Our BF16 forward pass is not bit-identical to llama.cpp's (the BF16-rounded activations amplify last-bit
     * differences), so only the figures that depend on the base file are exact; the rest agree to the stated digits.
     */
    @Test
    void bf16AgainstTheGoldenBaseMatchesLlamaCppsReport() throws IOException {
        String golden = golden("minima-BF16.kld.txt");
        KldAccumulator acc = kld(BF16);
        String ours = KldReport.summary(acc.statistics(), acc.kldDistribution(), acc.pDiffDistribution());
        for (String exact : List.of("Mean PPL(base)", "Cor(ln(PPL(Q)), ln(PPL(base)))")) {
            assertThat(line(ours, exact)).isEqualTo(line(golden, exact));
        }
        KldStatistics s = acc.statistics();
        assertThat(s.ppl().value()).isCloseTo(12.245237, within(12.245237 * 5e-4)); // 4 significant digits
        assertThat(s.kld().value()).isCloseTo(0.000014, within(0.0000010));
        assertThat((double) acc.kldDistribution().median()).isCloseTo(0.000009, within(0.0000015));
        assertThat(s.sameTop().value()).isCloseTo(0.99755, within(0.0015)); // 2040 tokens: ±3 tokens
        assertThat(s.pDiffRms().value()).isCloseTo(0.00093, within(0.00005));
    }

    /**
     * Writing the base file of the first 8 chunks from our F32 logits: the same header and tokens, and records equal up
     * to the last bits of the logits (ours are not bit-identical to llama.cpp's). Its perplexity is the base perplexity
     * printed in every golden KLD report.
     */
    @Test
    void aBaseFileWeWriteMatchesLlamaCppsUpToTheLastBitsOfTheLogits() throws IOException {
        Path ours = dir.resolve("base.bin");
        EvalChunks chunks = chunks(8);
        NllAccumulator nll;
        try (LanguageModel lm = Models.open(F32, 2); KldBaseWriter w = KldBaseWriter.create(ours, chunks, lm.vocabSize())) {
            nll = Perplexity.measureWritingBase(new ModelLogits(lm, N_CTX), chunks, w, (c, p) -> { });
            w.commit();
        }
        assertThat(PerplexityReport.finalLine(nll)).isEqualTo("Final estimate: PPL = 12.2486 +/- 0.69636");
        assertThat(line(golden("minima-BF16.kld.txt"), "Mean PPL(base)")).contains("12.248632 ±   0.696357");
        assertThat(nll.ppl()).isCloseTo(12.248632, within(2e-5));

        assertThat(Files.size(ours)).isEqualTo(Files.size(BASE));
        int header = 20 + 4 * 8 * N_CTX;
        byte[] ourHeader;
        byte[] goldenHeader;
        try (var a = Files.newInputStream(ours); var b = Files.newInputStream(BASE)) {
            ourHeader = a.readNBytes(header);
            goldenHeader = b.readNBytes(header);
        }
        assertThat(ourHeader).as("header and tokens").isEqualTo(goldenHeader);
        try (KldBaseReader x = KldBaseReader.open(ours); KldBaseReader y = KldBaseReader.open(BASE)) {
            QuantizedLogProbs p = new QuantizedLogProbs(x.nVocab());
            QuantizedLogProbs q = new QuantizedLogProbs(y.nVocab());
            long codesDiffering = 0;
            for (int r = 0; r < 8 * 255; r++) {
                x.read(p);
                y.read(q);
                assertThat((double) p.step()).isCloseTo(q.step(), within(1e-5 * q.step()));
                assertThat((double) p.offset()).isCloseTo(q.offset(), within(2e-5));
                for (int i = 0; i < x.nVocab(); i++) {
                    int d = Math.abs(p.code(i) - q.code(i));
                    assertThat(d).isLessThanOrEqualTo(1);
                    codesDiffering += d;
                }
            }
            assertThat(codesDiffering).as("codes one step apart").isLessThan(8L * 255 * 4101 / 100);
        }
    }

    @Tag("slow")
    @ParameterizedTest(name = "{0}")
    @CsvSource({"minima-qwen3-f32.gguf, minima-F32.ppl.txt", "minima-qwen3-bf16.gguf, minima-BF16.ppl.txt"})
    void wholeTextPerplexityIsLlamaCppsToFourSignificantDigits(String model, String goldenFile) throws IOException {
        NllAccumulator nll = perplexity(SharedData.path("models/" + model), chunks(-1));
        String golden = golden(goldenFile).strip(); // Final estimate: PPL = 11.3216 +/- 0.16144
        double ppl = Double.parseDouble(golden.split(" ")[4]);
        double error = Double.parseDouble(golden.split(" ")[6]);
        System.out.println(model + ": " + PerplexityReport.finalLine(nll) + " (llama.cpp: " + golden + ")");
        assertThat(nll.ppl()).isCloseTo(ppl, within(ppl * 5e-5));
        assertThat(nll.pplError().orElseThrow()).isCloseTo(error, within(error * 5e-4));
    }
}
