package org.bitclass.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding llama.cpp's golden ids gives the text back, with the changes llama.cpp's own decoding makes. */
class TokenizerDecodeTest {

    static Stream<GoldenVocabularies.Case> allCases() {
        return TokenizerGoldenTest.allCases();
    }

    /** What llama.cpp's detokenizer gives for the golden ids of a text. */
    private static String expectedDecoding(String vocab, String text) {
        // GPT-2 decodes with clean_up_tokenization_spaces; the Qwen vocabularies and SentencePiece do not
        return vocab.equals("gpt2") ? cleanedSpaces(text) : text;
    }

    /** An independent statement of clean_up_tokenization_spaces, as three regex rewrites. */
    private static String cleanedSpaces(String text) {
        return text.replaceAll(" ([?!.,])", "$1")
                .replaceAll(" ' ", "'")
                .replaceAll(" '(s|m|re|ve)", "'$1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void decodingTheIdsGivesTheTextBack(GoldenVocabularies.Case c) {
        Tokenizer tok = GoldenVocabularies.tokenizer(c.vocab());
        assertThat(tok.decode(c.ids())).isEqualTo(expectedDecoding(c.vocab(), c.text()));
        if (!c.vocab().equals("llama-spm")) {  // SentencePiece puts a space after each parsed special token
            assertThat(tok.decode(c.idsSpecial())).isEqualTo(expectedDecoding(c.vocab(), c.text()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void streamingEmitsOnlyWholeCharactersAndAddsUpToTheDecoding(GoldenVocabularies.Case c) {
        Tokenizer tok = GoldenVocabularies.tokenizer(c.vocab());
        TokenStreamDecoder stream = tok.streamDecoder(true);
        StringBuilder joined = new StringBuilder();
        for (int id : c.idsSpecial()) {
            String chunk = stream.push(id);
            assertThat(chunk).doesNotContain("\uFFFD");
            joined.append(chunk);
        }
        joined.append(stream.flush());
        // the stream keeps the space SentencePiece puts before the text, and does no space clean-up
        String expected = c.vocab().equals("llama-spm") && !c.text().isEmpty() ? " " + c.text() : c.text();
        assertThat(joined.toString()).isEqualTo(expected);
    }
}
