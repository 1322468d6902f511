package org.bitclass.cli;

import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command that reads a text refuses one that is not UTF-8 with the same line, naming the file. */
class NotUtf8TextCommandTest {

    private static final String M = SharedData.path("models/minima-qwen3-bf16.gguf").toString();
    private static final String I = SharedData.path("golden/eval/minima.imatrix.gguf").toString();

    @TempDir
    static Path dir;

    private static Path latin1;

    @BeforeAll
    static void writeLatin1Text() throws IOException {
        // "Genèse" and "à" in ISO-8859-1: the bytes E8 and E0 start no valid UTF-8 sequence here
        latin1 = Files.write(dir.resolve("latin1.txt"), "Au commencement, Genèse à l'aube. ".repeat(400)
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of((Object) new String[]{"imatrix", M, "-f", "TEXT", "-o", out("i.gguf")}),
                Arguments.of((Object) new String[]{"sensitivity", M, "-f", "TEXT"}),
                Arguments.of((Object) new String[]{"perplexity", M, "-f", "TEXT"}),
                Arguments.of((Object) new String[]{"perplexity", M, "-f", "TEXT", "--kld",
                        SharedData.path("golden/eval/minima-F32.kld-base.bin").toString()}),
                Arguments.of((Object) new String[]{"generate", M, "-f", "TEXT", "-n", "1"}),
                Arguments.of((Object) new String[]{"chat", M, "-f", "TEXT", "-n", "1"}),
                Arguments.of((Object) new String[]{"tokenize", M, "-f", "TEXT"}),
                Arguments.of((Object) new String[]{"allocate", M, "--imatrix", I, "--calib", "TEXT",
                        "--target-size", "Q4_K_M", "-o", out("r.json")}),
                Arguments.of((Object) new String[]{"quantize", M, out("q.gguf"), "Q4_K_M", "--tensor-type-file", "TEXT"}));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void refusesALatin1Text(String[] template) {
        String[] args = Stream.of(template).map(a -> a.equals("TEXT") ? latin1.toString() : a).toArray(String[]::new);
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> !l.contains("%")).toList()).as(r.err()).containsExactly("bitclass "
                + args[0] + ": " + latin1 + " is not UTF-8 text; convert it first (iconv -t UTF-8)");
        assertThat(dir.toFile().list()).containsExactly("latin1.txt");
    }

    private static String out(String name) {
        return dir.resolve(name).toString();
    }
}
