package org.bitclass.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The splitting machinery: code point classes, hand-written splitters against the regex engine, space clean-up. */
class PreTokenizerTest {

    private static final String QWEN2_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static Stream<String> goldenTexts() {
        return GoldenVocabularies.cases("qwen3").stream().map(GoldenVocabularies.Case::text);
    }

    private static List<String> pieces(SplitRule rule, String text) {
        int[] cps = text.codePoints().toArray();
        IntList lengths = new IntList();
        rule.split(cps, 0, cps.length, lengths);
        List<String> out = new ArrayList<>();
        for (int i = 0, start = 0; i < lengths.size(); start += lengths.get(i), i++) {
            out.add(new String(cps, start, lengths.get(i)));
        }
        return out;
    }

    /** The hand-written splitters and llama.cpp's regex path (emulated by RegexSplit) cut the golden texts alike. */
    @ParameterizedTest
    @MethodSource("goldenTexts")
    void handWrittenSplittersAgreeWithTheRegexEngine(String text) {
        assertThat(pieces(new Gpt2WordSplit(), text)).isEqualTo(pieces(new RegexSplit(Gpt2WordSplit.REGEX), text));
        assertThat(pieces(new WordSplit(1, false), text)).isEqualTo(pieces(new RegexSplit(QWEN2_REGEX), text));
        assertThat(String.join("", pieces(new WordSplit(3, true), text))).isEqualTo(text);
    }

    @Test
    void splitsLikeTheQwenRegex() {
        assertThat(pieces(new WordSplit(1, false), "Hello, y'all! 123  x\n\n")).containsExactly(
                "Hello", ",", " y", "'all", "!", " ", "1", "2", "3", " ", " x", "\n\n");
        assertThat(pieces(new WordSplit(3, false), "12345")).containsExactly("123", "45");
    }

    @Test
    void combiningMarksJoinWordsOnlyForQwen35() {
        String text = "e\u0301t\u00E9";  // e + combining acute, t, é
        assertThat(pieces(new WordSplit(1, false), text)).containsExactly("e", "\u0301t\u00E9");
        assertThat(pieces(new WordSplit(1, true), text)).containsExactly(text);
    }

    @Test
    void codepointClassesAreLlamaCppsUnicode15Tables() {
        assertThat(Codepoints.flags('A')).isEqualTo(Codepoints.LETTER);
        assertThat(Codepoints.flags(' ')).isEqualTo(Codepoints.SEPARATOR | Codepoints.WHITESPACE);
        assertThat(Codepoints.isWhitespace(Codepoints.flags(0xA0))).isTrue();
        assertThat(Codepoints.isWhitespace(Codepoints.flags(0x1C))).isFalse();  // Java's isWhitespace says yes
        assertThat(Codepoints.flags(0x0301)).isEqualTo(Codepoints.MARK);
        // added in Unicode 16.0 (a letter and a digit in the JDK): unassigned for llama.cpp
        assertThat(Character.isLetter(0x1C89)).isTrue();
        assertThat(Codepoints.flags(0x1C89)).isEqualTo(Codepoints.UNDEFINED);
        assertThat(Codepoints.flags(0x10D40)).isEqualTo(Codepoints.UNDEFINED);
        assertThat(Codepoints.flags(0x1FAE8)).isEqualTo(Codepoints.SYMBOL);  // Unicode 15.0 emoji
    }

    @Test
    void everyNamedPreTokenizerBuilds() {
        assertThat(PreTokenizer.supportedNames()).contains("qwen2", "qwen35", "llama-bpe", "llama3", "gpt-2",
                "default", "deepseek-llm", "smollm");
        for (String name : PreTokenizer.supportedNames()) {
            assertThat(String.join("", PreTokenizer.forName(name).split("Hello 123 wörld!\n"))).isEqualTo("Hello 123 wörld!\n");
        }
    }

    @Test
    void spaceCleanUpMatchesLlamaCpp() {
        assertThat(clean("Hello , world ! Is it ?")).isEqualTo("Hello, world! Is it?");
        assertThat(clean("rock ' n roll")).isEqualTo("rock'n roll");
        assertThat(clean("I 'm sure it 's you 're here , don 't")).isEqualTo("I'm sure it's you're here, don 't");
        assertThat(clean(" .")).isEqualTo(".");
    }

    private static String clean(String s) {
        return new String(SpaceCleaner.clean(s.getBytes()));
    }
}
