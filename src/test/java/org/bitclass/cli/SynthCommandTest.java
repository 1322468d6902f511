package org.bitclass.cli;

import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SynthCommandTest {

    @TempDir
    Path tmp;

    @Test
    void qwen35MiniPresetHasTheShapesOfTheReferenceModel() throws IOException {
        Path out = tmp.resolve("mini.gguf");
        Cli.Result r = Cli.run("synth", out.toString(), "--preset", "qwen3.5-mini", "--type", "F32");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (GgufFile ours = GgufFile.open(out); GgufFile ref = GgufFile.open(SharedData.path("models/qwen35-mini.gguf"))) {
            assertThat(ours.tensors()).usingElementComparator((a, b) -> a.name().equals(b.name())
                            && java.util.Arrays.equals(a.shape(), b.shape()) && a.type() == b.type() ? 0 : 1)
                    .containsExactlyElementsOf(ref.tensors());
            for (String key : ref.metadata().keys()) {
                if (key.startsWith("qwen35.") || key.startsWith("tokenizer.ggml.t")) {
                    assertThat(ours.metadata().get(key).toDisplayString(Integer.MAX_VALUE)).as(key)
                            .isEqualTo(ref.metadata().get(key).toDisplayString(Integer.MAX_VALUE));
                }
            }
            assertThat(ours.metadata().getString("tokenizer.ggml.pre")).isEqualTo("qwen35");
            TensorInfo a = ours.tensor("blk.0.ssm_a");
            for (int i = 0; i < a.nElements(); i++) {
                assertThat(ours.data(a).getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)).isNegative();
            }
        }
    }

    @Test
    void sameSeedGivesSameBytesWhateverTheThreadCount() {
        Path one = tmp.resolve("one.gguf");
        Path two = tmp.resolve("two.gguf");
        String[] common = {"--preset", "qwen3.5-mini", "--type", "Q4_K", "--layers", "4", "--value-heads", "8", "--untied"};
        assertThat(Cli.run(concat(new String[]{"synth", one.toString(), "--threads", "1"}, common)).exitCode()).isZero();
        assertThat(Cli.run(concat(new String[]{"synth", two.toString(), "--threads", "3"}, common)).exitCode()).isZero();
        assertThat(mismatch(one, two)).isEqualTo(-1L);
    }

    @Test
    void vocabularyIsPaddedToTheModelsSize() throws IOException {
        Path out = tmp.resolve("q.gguf");
        Cli.Result r = Cli.run("synth", out.toString(), "--preset", "qwen3-0.6b", "--layers", "1", "--vocab-size", "5000",
                "--type", "Q8_0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getArray("tokenizer.ggml.tokens").length()).isEqualTo(5000);
            assertThat(f.metadata().getArray("tokenizer.ggml.token_type").longs()[4999]).isEqualTo(5);
            assertThat(f.tensor("token_embd.weight").shape()).containsExactly(1024, 5000);
            assertThat(f.tensor("blk.0.attn_q_norm.weight").shape()).containsExactly(128);
        }
    }

    @Test
    void badOptionsAreExplained() {
        Cli.Result r = Cli.run("synth", tmp.resolve("x.gguf").toString(), "--preset", "gpt-5");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("unknown preset 'gpt-5'", "qwen3.5-4b");
        r = Cli.run("synth", tmp.resolve("x.gguf").toString(), "--preset", "qwen3.5-mini", "--value-heads", "3");
        assertThat(r.err()).contains("multiple of key heads");
        assertThat(tmp.toFile().list()).isEmpty();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long mismatch(Path a, Path b) {
        try {
            return Files.mismatch(a, b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
