package org.bitclass.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Token ids equal llama.cpp's for every golden string of every golden vocabulary. */
class TokenizerGoldenTest {

    static Stream<GoldenVocabularies.Case> allCases() {
        return GoldenVocabularies.VOCAB_FILES.keySet().stream().sorted().flatMap(v -> GoldenVocabularies.cases(v).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void encodesWithoutParsingSpecialTextLikeLlamaCpp(GoldenVocabularies.Case c) {
        Tokenizer tok = GoldenVocabularies.tokenizer(c.vocab());
        assertThat(tok.encode(c.text(), false, false)).as("text %s", quoted(c.text())).containsExactly(c.ids());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void encodesParsingSpecialTextLikeLlamaCpp(GoldenVocabularies.Case c) {
        Tokenizer tok = GoldenVocabularies.tokenizer(c.vocab());
        assertThat(tok.encode(c.text(), false, true)).as("text %s", quoted(c.text())).containsExactly(c.idsSpecial());
    }

    static String quoted(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
