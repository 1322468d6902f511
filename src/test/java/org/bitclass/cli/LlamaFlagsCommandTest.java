package org.bitclass.cli;

import org.bitclass.gguf.GgufModel;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** llama.cpp's flags do what they do there, and our own long names stay as aliases. */
class LlamaFlagsCommandTest {

    private static final String F32 = SharedData.path("models/minima-qwen3-f32.gguf").toString();
    private static final String BF16 = SharedData.path("models/minima-qwen3-bf16.gguf").toString();
    private static final String TEXT = SharedData.path("corpus/kjv-test.txt").toString();

    @TempDir
    Path dir;

    @Test
    void quantizeTakesLlamaQuantizesPositionalTypeAndThreads() throws IOException {
        Path positional = dir.resolve("positional.gguf");
        Path named = dir.resolve("named.gguf");
        assertThat(Cli.run("quantize", BF16, positional.toString(), "Q8_0", "1").exitCode()).isZero();
        assertThat(Cli.run("quantize", BF16, named.toString(), "--type", "Q8_0", "--threads", "2").exitCode()).isZero();
        assertThat(Files.readAllBytes(positional)).isEqualTo(Files.readAllBytes(named));
    }

    @Test
    void minusMGivesTheModel() {
        Cli.Result positional = Cli.run("tokenize", BF16, "-p", "In the beginning", "--ids");
        Cli.Result option = Cli.run("tokenize", "-m", BF16, "-p", "In the beginning", "--ids");
        assertThat(option.exitCode()).as(option.err()).isZero();
        assertThat(option.out()).isEqualTo(positional.out()).startsWith("[");
    }

    @Test
    void minusSIsTheSeedAndMinusTTheThreads() {
        Cli.Result s = Cli.run("generate", "-m", BF16, "-p", "And God said", "-n", "8", "-s", "7", "-t", "1");
        Cli.Result seed = Cli.run("generate", BF16, "-p", "And God said", "-n", "8", "--seed", "7", "--threads", "2");
        Cli.Result other = Cli.run("generate", BF16, "-p", "And God said", "-n", "8", "--seed", "8", "--threads", "2");
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.out()).isEqualTo(seed.out()).isNotEqualTo(other.out());
    }

    @Test
    void minusSysIsTheSystemMessage() {
        String[] common = {"chat", BF16, "-p", "Who made the heaven?", "--temp", "0", "-n", "12", "-t", "2"};
        Cli.Result sys = Cli.run(concat(common, "-sys", "You answer from the scriptures."));
        Cli.Result system = Cli.run(concat(common, "--system", "You answer from the scriptures."));
        Cli.Result none = Cli.run(common);
        assertThat(sys.exitCode()).as(sys.err()).isZero();
        assertThat(sys.out()).isEqualTo(system.out());
        assertThat(sys.err().replaceAll("[0-9.]+ t/s", "")).isEqualTo(system.err().replaceAll("[0-9.]+ t/s", ""))
                .isNotEqualTo(none.err().replaceAll("[0-9.]+ t/s", ""));
    }

    @Test
    void minusNMinusOneGeneratesUntilTheContextIsFull() {
        Cli.Result r = Cli.run("generate", BF16, "-p", "And God said", "-n", "-1", "-c", "24", "--temp", "0", "-t", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("stop: context_full");
    }

    @Test
    void klDivergenceBaseAndKlDivergenceWorkAsInLlamaPerplexity() {
        Path base = dir.resolve("base.bin");
        Cli.Result written = Cli.run("perplexity", "-m", F32, "-f", TEXT, "-c", "64", "--chunks", "4",
                "--kl-divergence-base", base.toString(), "-t", "2");
        assertThat(written.exitCode()).as(written.err()).isZero();
        assertThat(base).exists();

        Cli.Result llama = Cli.run("perplexity", "-m", BF16, "--kl-divergence-base", base.toString(), "--kl-divergence",
                "-t", "2");
        Cli.Result ours = Cli.run("perplexity", BF16, "--kld", base.toString(), "-t", "2");
        assertThat(llama.exitCode()).as(llama.err()).isZero();
        assertThat(llama.out()).contains("====== KL divergence statistics ======").isEqualTo(ours.out());
    }

    @Test
    void minusTIsTheThreadsOfBenchQuantizeAndSynth() throws IOException {
        Cli.Result bench = Cli.run("bench-quantize", BF16, "--type", "Q8_0", "-t", "1", "-r", "1");
        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out().lines().skip(1).findFirst().orElseThrow()).matches("\\| Q8_0 +\\| no +\\| +1 \\|.*");

        Path synth = dir.resolve("s.gguf");
        Cli.Result s = Cli.run("synth", synth.toString(), "--preset", "qwen3.5-mini", "--layers", "1", "--type", "Q8_0",
                "-t", "1", "-s", "3");
        assertThat(s.exitCode()).as(s.err()).isZero();
        try (GgufModel m = GgufModel.open(synth)) {
            assertThat(m.tensor("blk.0.ffn_up.weight").type().name()).isEqualTo("Q8_0");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
