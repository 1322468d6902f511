package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bitclass tokenize} prints what llama-tokenize prints for the Minima vocabulary. */
class TokenizeCommandTest {

    private static final String MINIMA = SharedData.path("models/minima-qwen3-f32.gguf").toString();

    private static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    @Test
    void printsIdsAndPiecesLikeLlamaTokenize() {
        // golden ids of "Hello world" in shared/golden/tokenizer/minima.jsonl: [39, 301, 385, 1879]
        Cli.Result r = run("tokenize", MINIMA, "-p", "Hello world");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("""
                    39 -> 'H'
                   301 -> 'el'
                   385 -> 'lo'
                  1879 -> ' world'
                """);
    }

    @Test
    void printsAnIdListWithIds() {
        assertThat(run("tokenize", MINIMA, "-p", "Hello world", "--ids").out()).isEqualTo("[39, 301, 385, 1879]\n");
    }

    @Test
    void parsesSpecialTokensAndEscapesByDefault() {
        assertThat(run("tokenize", MINIMA, "-p", "<|endoftext|>\\n", "--ids").out()).isEqualTo("[4096, 198]\n");
        assertThat(run("tokenize", MINIMA, "-p", "<|endoftext|>", "--ids", "--no-parse-special").out())
                .isEqualTo("[27, 91, 408, 78, 723, 427, 91, 29]\n");
        assertThat(run("tokenize", MINIMA, "-p", "\\n", "--ids", "--no-escape").out()).isNotEqualTo("[198]\n");
    }

    @Test
    void readsTheTextFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prompt.txt");
        Files.writeString(file, "Hello world");
        assertThat(run("tokenize", MINIMA, "-f", file.toString(), "--ids", "--show-count").out())
                .isEqualTo("[39, 301, 385, 1879]\nTotal number of tokens: 4\n");
    }

    @Test
    void addsBosOnlyWhereTheModelWantsIt() {
        String spm = SharedData.path("golden/tokenizer/llama-spm-vocab.gguf").toString();
        assertThat(run("tokenize", spm, "-p", "Hello", "--ids").out()).startsWith("[1, ");
        assertThat(run("tokenize", spm, "-p", "Hello", "--ids", "--no-bos").out()).doesNotStartWith("[1, ");
    }

    @Test
    void failuresAreOneClearLine() {
        Cli.Result r = run("tokenize", "/no/such/model.gguf", "-p", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("bitclass tokenize: no such file: /no/such/model.gguf\n");
    }
}
