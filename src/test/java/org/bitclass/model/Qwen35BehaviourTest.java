package org.bitclass.model;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufArray;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufValueType;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.model.synth.SynthModelWriter;
import org.bitclass.model.synth.SynthSpec;
import org.bitclass.testutil.SharedData;
import org.bitclass.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * qwen35 on a layout the llama.cpp golden does not cover: a synthetic model with 12 layers (attention at 3, 7, 11),
 * four value heads per key head in the DeltaNet, and an untied output head. Checked against an independent
 * double-precision implementation of the spec, for batch/token-by-token agreement, state save and restore,
 * observation of every matrix input, and the metadata variants (MTP blocks, explicit recurrent-layer flags).
 */
class Qwen35BehaviourTest {

    @TempDir
    static Path dir;

    private static Path synth;
    private static LanguageModel model;
    private static int[] tokens;

    @BeforeAll
    static void createSynthetic() throws IOException {
        SynthSpec spec = SynthSpec.preset("qwen3.5-mini").withLayers(12).withDeltaNet(64, 2, 8).withTied(false);
        synth = dir.resolve("synth-q35.gguf");
        try (GgufModel vocab = GgufModel.open(SharedData.path("models/qwen35-mini.gguf"))) {
            new SynthModelWriter(spec, GgmlType.F32, vocab.metadata(), 7).write(synth, 2, i -> { });
        }
        model = Models.open(synth, 2);
        tokens = Arrays.copyOf(GoldenLogits.tokens(), 60);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void syntheticLayoutMatchesReferenceImplementation() throws IOException {
        int[] head = Arrays.copyOf(tokens, 24);
        float[] expected;
        try (GgufModel gguf = GgufModel.open(synth)) {
            expected = new Qwen35Reference(gguf).logits(head);
        }
        float[] logits = model.newSession(64).forward(head, 0, Session.Outputs.ALL);
        double rel = GoldenLogits.relativeL2(logits, expected);
        System.out.printf("qwen35 synthetic 12 layers, H_v = 4·H_k, untied: relative L2 vs reference %.3g%n", rel);
        assertThat(rel).isLessThan(1e-4);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 13})
    void batchesOfAnySizeGiveTheSameBits(int split) {
        float[] whole = model.newSession(64).forward(tokens, 0, Session.Outputs.ALL);
        Session session = model.newSession(64);
        int v = model.vocabSize();
        float[] logits = new float[whole.length];
        for (int from = 0; from < tokens.length; from += split) {
            float[] out = session.append(Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + split)),
                    Session.Outputs.ALL);
            System.arraycopy(out, 0, logits, from * v, out.length);
        }
        assertThat(logits).isEqualTo(whole);
    }

    @Test
    void savedStateBranchesASequence() {
        int[] prefix = Arrays.copyOf(tokens, 30);
        int[] left = Arrays.copyOfRange(tokens, 30, 45);
        int[] right = Arrays.copyOfRange(tokens, 45, 60);
        RecurrentSession session = (RecurrentSession) model.newSession(64);
        session.append(prefix, Session.Outputs.LAST);
        RecurrentSession.State saved = session.save();
        float[] afterLeft = session.append(left, Session.Outputs.ALL);

        session.restore(saved);
        assertThat(session.position()).isEqualTo(30);
        float[] afterRight = session.append(right, Session.Outputs.ALL);
        float[] fresh = model.newSession(64).forward(concat(prefix, right), 0, Session.Outputs.ALL);
        assertThat(afterRight).isEqualTo(Arrays.copyOfRange(fresh, 30 * model.vocabSize(), fresh.length));

        RecurrentSession other = (RecurrentSession) model.newSession(48);
        other.restore(saved);
        assertThat(other.append(left, Session.Outputs.ALL)).isEqualTo(afterLeft);
        assertThatThrownBy(() -> ((RecurrentSession) model.newSession(20)).restore(saved))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }

    @Test
    void startsOverAtZeroButCannotRewindPartially() {
        Session session = model.newSession(64);
        float[] first = session.forward(tokens, 0, Session.Outputs.LAST);
        assertThatThrownBy(() -> session.forward(new int[] {1}, 10, Session.Outputs.LAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot go back to position 10");
        assertThat(session.forward(tokens, 0, Session.Outputs.LAST)).isEqualTo(first);
        session.reset();
        assertThat(session.append(tokens, Session.Outputs.LAST)).isEqualTo(first);
    }

    @Test
    void observerSeesEveryMatrixInput() {
        Map<String, int[]> seen = new LinkedHashMap<>();
        model.setObserver((name, x, nTokens, dim) -> seen.put(name, new int[] {nTokens, dim}));
        try {
            model.newSession(8).forward(Arrays.copyOf(tokens, 3), 0, Session.Outputs.ALL);
        } finally {
            model.setObserver(null);
        }
        for (String m : List.of("attn_qkv", "attn_gate", "ssm_alpha", "ssm_beta", "ffn_gate", "ffn_up")) {
            assertThat(seen.get("blk.0." + m + ".weight")).containsExactly(3, 256);
        }
        assertThat(seen.get("blk.0.ssm_out.weight")).containsExactly(3, 8 * 64);
        assertThat(seen.get("blk.0.ffn_down.weight")).containsExactly(3, 768);
        for (String m : List.of("attn_q", "attn_k", "attn_v")) {
            assertThat(seen.get("blk.3." + m + ".weight")).containsExactly(3, 256);
        }
        assertThat(seen.get("blk.11.attn_output.weight")).containsExactly(3, 4 * 64);
        assertThat(seen.get("output.weight")).containsExactly(3, 256);
        assertThat(seen).hasSize(9 * 8 + 3 * 7 + 1);   // DeltaNet layers, attention layers, head
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 768})
    void multiTokenPredictionBlocksAreLoadedButNotRun(int ehProjCols) throws IOException {
        Path mini = SharedData.path("models/qwen35-mini.gguf");
        Path withMtp = dir.resolve("mini-mtp-" + ehProjCols + ".gguf");
        try (GgufModel in = GgufModel.open(mini)) {
            Map<TensorInfo, MemorySegment> extra = new LinkedHashMap<>();
            for (TensorInfo t : in.tensors()) {
                if (t.name().startsWith("blk.3.")) {
                    extra.put(new TensorInfo(t.name().replace("blk.3.", "blk.8."), t.shape(), t.type(), 0), in.data(t));
                }
            }
            extra.put(new TensorInfo("blk.8.nextn.eh_proj.weight", new long[] {ehProjCols, 256}, GgmlType.F32, 0),
                    MemorySegment.ofArray(new byte[ehProjCols * 256 * Float.BYTES]));
            for (String norm : List.of("enorm", "hnorm")) {
                extra.put(new TensorInfo("blk.8.nextn." + norm + ".weight", new long[] {256}, GgmlType.F32, 0),
                        in.data("output_norm.weight"));
            }
            rewrite(in, withMtp, md -> md.putUInt32("qwen35.block_count", 9).putUInt32("qwen35.nextn_predict_layers", 1),
                    extra);
        }
        if (ehProjCols != 512) {
            assertThatThrownBy(() -> Models.open(withMtp, 1)).hasMessageContaining("blk.8.nextn.eh_proj.weight")
                    .hasMessageContaining("expected [512, 256]");
            return;
        }
        float[] expected;
        try (LanguageModel m = Models.open(mini, 2)) {
            expected = m.newSession(16).forward(Arrays.copyOf(tokens, 10), 0, Session.Outputs.ALL);
        }
        try (LanguageModel m = Models.open(withMtp, 2)) {
            assertThat(((Qwen35Transformer) m).config().nLayer()).isEqualTo(8);
            assertThat(((Qwen35Transformer) m).mtpBlocks()).isEqualTo(1);
            assertThat(m.newSession(16).forward(Arrays.copyOf(tokens, 10), 0, Session.Outputs.ALL)).isEqualTo(expected);
        }
    }

    @Test
    void explicitRecurrentLayerFlagsOverrideTheInterval() throws IOException {
        Path mini = SharedData.path("models/qwen35-mini.gguf");
        float[] expected;
        try (LanguageModel m = Models.open(mini, 2)) {
            expected = m.newSession(16).forward(Arrays.copyOf(tokens, 10), 0, Session.Outputs.ALL);
        }
        Path flagged = dir.resolve("mini-flags.gguf");
        try (GgufModel in = GgufModel.open(mini)) {
            byte[] flags = {1, 1, 1, 0, 1, 1, 1, 0};
            rewrite(in, flagged, md -> md.remove("qwen35.full_attention_interval").put("qwen35.attention.recurrent_layers",
                    GgufValue.ofArray(new GgufArray(GgufValueType.BOOL, flags))), Map.of());
        }
        try (LanguageModel m = Models.open(flagged, 2)) {
            assertThat(m.newSession(16).forward(Arrays.copyOf(tokens, 10), 0, Session.Outputs.ALL)).isEqualTo(expected);
        }
        try (GgufModel in = GgufModel.open(mini)) {
            rewrite(in, flagged, md -> md.put("qwen35.attention.recurrent_layers",
                    GgufValue.ofArray(GgufArray.ofInt32(1, 1, 1, 1, 1, 1, 1, 0))), Map.of());
        }
        assertThatThrownBy(() -> Models.open(flagged, 1)).hasMessageContaining("blk.3.attn_qkv.weight");
    }

    /**
     * The generator reuses a cached prompt prefix by rewinding the session; a recurrent session cannot rewind, so it
     * evaluates such a prompt again from the start, with the same result as a fresh generator.
     */
    @Test
    void generatorStartsOverWhenAPromptDropsCachedTokens() throws IOException {
        Path mini = SharedData.path("models/qwen35-mini.gguf");
        Tokenizer tokenizer = Tokenizer.open(mini);
        int[] first = Arrays.copyOf(tokens, 12);
        int[] second = Arrays.copyOf(tokens, 8);
        try (LanguageModel m = Models.open(mini, 2)) {
            Generator reused = new Generator(m.newSession(64), tokenizer);
            reused.generate(first, new Sampler(Sampler.Settings.greedy()), 6, List.of(), s -> { }, () -> false);
            Generator.Result again = reused.generate(second, new Sampler(Sampler.Settings.greedy()), 6, List.of(),
                    s -> { }, () -> false);
            Generator.Result fresh = new Generator(m.newSession(64), tokenizer).generate(second,
                    new Sampler(Sampler.Settings.greedy()), 6, List.of(), s -> { }, () -> false);
            assertThat(again.tokens()).hasSize(6).containsExactly(fresh.tokens());
        }
    }

    /** Copies {@code in} with edited metadata and extra tensors appended. */
    private static void rewrite(GgufModel in, Path out, Consumer<GgufMetadata> edit, Map<TensorInfo, MemorySegment> extra)
            throws IOException {
        GgufMetadata md = new GgufMetadata(in.metadata());
        edit.accept(md);
        List<TensorInfo> infos = new ArrayList<>(in.tensors());
        infos.addAll(extra.keySet());
        try (GgufWriter w = GgufWriter.create(out, md, infos)) {
            for (TensorInfo t : in.tensors()) {
                w.append(in.data(t));
            }
            for (MemorySegment data : extra.values()) {
                w.append(data);
            }
            w.commit();
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
