package org.bitclass.eval;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout of the KL-divergence summary against llama-perplexity's printouts: the same lines and labels, each
 * number with the same number of decimals. (The figures themselves are checked with the engine, in the golden runs.)
 */
class KldReportTest {

    private static final Pattern NUMBER = Pattern.compile(" *-?\\d+\\.(\\d+)");

    /** Each number, with the padding before it, replaced by {@code <decimals>}. */
    private static String shape(String report) {
        Matcher m = NUMBER.matcher(report);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, "<" + m.group(1).length() + ">");
        }
        return m.appendTail(out).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BF16", "Q8_0", "Q4_K_M-imat", "Q3_K_S-imat"})
    void summaryHasTheLinesLabelsAndPrecisionsOfLlamaCpp(String model) throws IOException {
        String golden = Files.readString(SharedData.path("golden/eval/minima-" + model + ".kld.txt"));
        Random rnd = new Random(model.hashCode());
        KldAccumulator acc = new KldAccumulator(300);
        QuantizedLogProbs base = new QuantizedLogProbs(500);
        for (int t = 0; t < 300; t++) {
            float[] baseLogits = RandomLogits.row(rnd, 500, 2);
            base.encode(baseLogits, 0, t);
            acc.add(RandomLogits.perturbed(rnd, baseLogits, 0.1), 0, base, t);
        }

        String ours = KldReport.summary(acc.statistics(), acc.kldDistribution(), acc.pDiffDistribution());

        assertThat(shape(ours).lines()).containsExactlyElementsOf(shape(golden.strip() + "\n").lines().toList());
        assertThat(ours).endsWith(" %\n");
    }
}
