package org.bitclass.tokenizer;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The Minima vocabulary on the KJV test corpus, against the ids llama.cpp fed to the model for the logit goldens. */
class KjvTokenizationTest {

    private final Tokenizer minima = GoldenVocabularies.tokenizer("minima");

    private static int[] goldenHeadIds() throws IOException {
        String text = Files.readString(SharedData.path("golden/logits/kjv-test-head.tokens.txt")).trim();
        return Arrays.stream(text.split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    private static byte[] corpus() throws IOException {
        return Files.readAllBytes(SharedData.path("corpus/kjv-test.txt"));
    }

    @Test
    void first420BytesGiveTheGoldenIdsWithoutBos() throws IOException {
        String head = new String(corpus(), 0, 420, StandardCharsets.UTF_8);
        // Minima does not ask for BOS, so adding special tokens (as llama.cpp's tools do) adds none
        assertThat(minima.addsBos()).isFalse();
        assertThat(minima.encode(head, true, true)).containsExactly(goldenHeadIds());
    }

    @Test
    void wholeCorpusRoundTripsAndStartsWithTheGoldenIds() throws IOException {
        String text = new String(corpus(), StandardCharsets.UTF_8);
        minima.encode(text, false, true);  // warm-up
        long start = System.nanoTime();
        int[] ids = minima.encode(text, false, true);
        System.out.printf("kjv-test.txt: %d bytes -> %d tokens in %.1f ms%n",
                corpus().length, ids.length, (System.nanoTime() - start) / 1e6);

        assertThat(minima.decode(ids)).isEqualTo(text);
        int[] head = goldenHeadIds();
        // the 420-byte cut may split the last word, so all but the last golden id must agree
        assertThat(Arrays.copyOf(ids, head.length - 1)).containsExactly(Arrays.copyOf(head, head.length - 1));
    }
}
