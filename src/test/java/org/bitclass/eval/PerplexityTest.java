package org.bitclass.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The chunked perplexity and KL-divergence runs on a stand-in model, against direct computations. */
class PerplexityTest {

    private static final int VOCAB = 97;

    @TempDir
    Path dir;

    private static int[] text(long seed, int length) {
        Random rnd = new Random(seed);
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = rnd.nextInt(VOCAB - 1);
        }
        return tokens;
    }

    /** Perplexity straight from the definition: every chunk's second half, positions n/2 .. n-2. */
    private static double directPpl(BigramModel model, int[] tokens, int nCtx, int nChunk, OptionalInt bos) {
        double nll = 0;
        int count = 0;
        for (int c = 0; c < nChunk; c++) {
            int[] chunk = Arrays.copyOfRange(tokens, c * nCtx, (c + 1) * nCtx);
            bos.ifPresent(b -> chunk[0] = b);
            for (int j = nCtx / 2; j <= nCtx - 2; j++) {
                nll -= RandomLogits.logSoftmax(model.logits(chunk, j))[tokens[c * nCtx + j + 1]];
                count++;
            }
        }
        return Math.exp(nll / count);
    }

    @ParameterizedTest(name = "n_ctx {0}, {1} chunks of {2} tokens, bos {3}")
    @CsvSource({"16, -1, 100, -1", "16, 3, 100, 96", "9, -1, 40, 96", "64, -1, 128, -1"})
    void perplexityEqualsTheDirectComputation(int nCtx, int maxChunks, int length, int bosId) {
        OptionalInt bos = bosId < 0 ? OptionalInt.empty() : OptionalInt.of(bosId);
        int[] tokens = text(nCtx, length);
        BigramModel model = new BigramModel(7, VOCAB, 2);
        EvalChunks chunks = EvalChunks.of(tokens, nCtx, maxChunks, bos);
        List<Double> running = new ArrayList<>();

        NllAccumulator nll = Perplexity.measure(model, chunks, (chunk, ppl) -> running.add(ppl));

        int nChunk = maxChunks < 0 ? length / nCtx : maxChunks;
        assertThat(running).hasSize(nChunk);
        assertThat(nll.count()).isEqualTo((long) nChunk * (nCtx - 1 - nCtx / 2));
        assertThat(nll.ppl()).isCloseTo(directPpl(model, tokens, nCtx, nChunk, bos), within(1e-6 * nll.ppl()));
        assertThat(running.getLast()).isEqualTo(nll.ppl());
        assertThat(running.getFirst()).isCloseTo(directPpl(model, tokens, nCtx, 1, bos), within(1e-6 * nll.ppl()));
        for (int c = 0; c < nChunk; c++) {
            int[] expected = Arrays.copyOfRange(tokens, c * nCtx, (c + 1) * nCtx);
            bos.ifPresent(b -> expected[0] = b);
            assertThat(model.evaluated.get(c)).as("chunk %d", c).isEqualTo(expected);
        }
    }

    @Test
    void aModelThatKnowsNothingHasThePerplexityOfTheVocabularySize() {
        LogitsSource uniform = new LogitsSource() {
            @Override
            public int vocabSize() {
                return VOCAB;
            }

            @Override
            public void evaluate(int[] tokens, int from, int to, Rows rows) {
                float[] row = new float[VOCAB];
                for (int p = from; p < to; p++) {
                    rows.accept(p, row, 0);
                }
            }
        };
        NllAccumulator nll = Perplexity.measure(uniform, EvalChunks.of(text(1, 64), 16, -1, OptionalInt.empty()),
                (c, p) -> { });
        assertThat(nll.ppl()).isCloseTo(VOCAB, within(1e-9));
        assertThat(PerplexityReport.finalLine(nll)).isEqualTo("Unexpected negative standard deviation of log(prob)");
    }

    @Test
    void reportLinesHaveLlamaCppsFormat() {
        NllAccumulator nll = new NllAccumulator();
        for (double v : new double[] {1.5, 2.5, 3.0, 2.0}) {
            nll.add(v);
        }
        // mean 2.25, population variance 0.3125, error sqrt(0.3125/3) * e^2.25
        assertThat(PerplexityReport.finalLine(nll)).isEqualTo("Final estimate: PPL = 9.4877 +/- 3.06215");
        assertThat(PerplexityReport.chunkEntry(12, 11.32155)).isEqualTo("[12]11.3216,");
    }

    @Test
    void tooShortTextsAreRefusedAsLlamaCppRefusesThem() {
        assertThatThrownBy(() -> EvalChunks.of(text(1, 1023), 512, -1, OptionalInt.empty()))
                .hasMessage("you need at least 1024 tokens to evaluate perplexity with a context of 512;"
                        + " the text tokenizes to only 1023 tokens");
    }

    @ParameterizedTest(name = "bos {0}")
    @CsvSource({"-1", "96"})
    void kldAgainstABaseWrittenByTheSameRunMatchesTheDirectComputation(int bosId) throws IOException {
        OptionalInt bos = bosId < 0 ? OptionalInt.empty() : OptionalInt.of(bosId);
        int nCtx = 32;
        int[] tokens = text(5, 200);
        BigramModel base = new BigramModel(9, VOCAB, 1.5);
        EvalChunks chunks = EvalChunks.of(tokens, nCtx, -1, bos);
        Path file = dir.resolve("base.bin");
        NllAccumulator written;
        try (KldBaseWriter w = KldBaseWriter.create(file, chunks, VOCAB)) {
            written = Perplexity.measureWritingBase(base, chunks, w, (c, p) -> { });
            w.commit();
        }
        assertThat(written.ppl()).isCloseTo(directPpl(base, tokens, nCtx, 6, bos), within(1e-5 * written.ppl()));

        BigramModel other = base.perturbed(3, 0.2);
        List<Integer> chunksSeen = new ArrayList<>();
        KldAccumulator kld;
        try (KldBaseReader r = KldBaseReader.open(file)) {
            assertThat(r.tokens()).isEqualTo(Arrays.copyOf(tokens, 6 * nCtx));
            kld = KlDivergence.measure(other, r, r.nChunk(), bos, (c, soFar) -> chunksSeen.add(c));
        }
        assertThat(chunksSeen).containsExactly(1, 2, 3, 4, 5, 6);
        KldStatistics s = kld.statistics();
        assertThat(s.count()).isEqualTo(6 * 15);
        assertThat(s.ppl().value()).isCloseTo(directPpl(other, tokens, nCtx, 6, bos), within(1e-5 * s.ppl().value()));
        assertThat(s.pplBase().value()).isCloseTo(written.ppl(), within(1e-3 * written.ppl()));

        // KL divergence of the stand-in models position by position, in double
        double sum = 0;
        for (int c = 0; c < 6; c++) {
            int[] chunk = chunks.chunk(c);
            for (int j = nCtx / 2; j <= nCtx - 2; j++) {
                double[] p = RandomLogits.logSoftmax(base.logits(chunk, j));
                double[] q = RandomLogits.logSoftmax(other.logits(chunk, j));
                for (int i = 0; i < VOCAB; i++) {
                    sum += p[i] > -16 ? Math.exp(p[i]) * (p[i] - q[i]) : 0;
                }
            }
        }
        assertThat(s.kld().value()).isCloseTo(sum / s.count(), within(2e-4));
        assertThat(s.kld().value()).isGreaterThan(1e-3);
    }

    @Test
    void kldRefusesABaseFileOfAnotherVocabulary() throws IOException {
        Path file = dir.resolve("small-vocab.bin");
        BigramModel small = new BigramModel(1, 50, 1);
        int[] tokens = new int[64];
        EvalChunks chunks = EvalChunks.of(tokens, 16, -1, OptionalInt.empty());
        try (KldBaseWriter w = KldBaseWriter.create(file, chunks, 50)) {
            Perplexity.measureWritingBase(small, chunks, w, (c, p) -> { });
            w.commit();
        }
        try (KldBaseReader r = KldBaseReader.open(file)) {
            assertThatThrownBy(() -> KlDivergence.measure(new BigramModel(1, VOCAB, 1), r, 4, OptionalInt.empty(),
                    (c, s) -> { })).hasMessage(file + " was written for a vocabulary of 50 tokens; the model has 97");
        }
    }
}
