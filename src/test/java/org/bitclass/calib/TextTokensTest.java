package org.bitclass.calib;

import org.bitclass.testutil.SharedData;
import org.bitclass.tokenizer.Tokenizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class TextTokensTest {

    private static final Path CALIB = SharedData.path("corpus/kjv-calib.txt");

    /** Streaming in small blocks gives exactly the tokens of the whole text (minus its last newline). */
    @ParameterizedTest
    @CsvSource({"models/minima-qwen3-f32.gguf,300", "models/minima-qwen3-f32.gguf,5000",
            "models/qwen35-mini.gguf,700", "golden/tokenizer/gpt2-vocab.gguf,1000",
            "golden/tokenizer/llama-spm-vocab.gguf,1000"})
    void blocksTokenizeLikeTheWholeText(String vocab, int block) throws IOException {
        Tokenizer tokenizer = Tokenizer.open(SharedData.path(vocab));
        String text = Files.readString(CALIB, StandardCharsets.UTF_8);
        int[] whole = tokenizer.encode(text.substring(0, text.length() - 1), true, false);
        assertThat(text).endsWith("\n");

        int[] streamed = streamAll(CALIB, tokenizer, block);
        assertThat(streamed).hasSize(whole.length);
        assertThat(Arrays.equals(streamed, whole)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"'a b\n\n',1", "'',1", "'x\ny\n',1", "'x\n\ny',1"})
    void onlyOneTrailingNewlineIsDropped(String text, int block, @TempDir Path dir) throws IOException {
        Tokenizer tokenizer = Tokenizer.open(SharedData.path("models/minima-qwen3-f32.gguf"));
        Path file = dir.resolve("t.txt");
        Files.writeString(file, text);
        String expected = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        assertThat(streamAll(file, tokenizer, block)).containsExactly(tokenizer.encode(expected, true, false));
    }

    static int[] streamAll(Path file, Tokenizer tokenizer, int block) throws IOException {
        int[] all = new int[0];
        try (TextTokens tokens = new TextTokens(file, tokenizer, false, block)) {
            for (int[] b = tokens.next(); b != null; b = tokens.next()) {
                assertThat(b).isNotEmpty();
                int n = all.length;
                all = Arrays.copyOf(all, n + b.length);
                System.arraycopy(b, 0, all, n, b.length);
            }
        }
        return all;
    }
}
