package org.bitclass.model.synth;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufArray;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufValueType;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Writes a random-weight GGUF of a {@link SynthSpec}: the tensors and metadata llama.cpp expects for the
 * architecture, weights drawn from a seeded generator per row (so the bytes do not depend on the thread count),
 * matrices stored in the requested type and vectors in F32.
 */
public final class SynthModelWriter {

    private static final long CHUNK_BYTES = 16L << 20;

    private final SynthSpec spec;
    private final GgmlType type;
    private final GgufMetadata vocabulary;
    private final long seed;

    /** {@code vocabulary}: metadata holding the {@code tokenizer.*} keys to reuse; its token list is padded to the vocab size. */
    public SynthModelWriter(SynthSpec spec, GgmlType type, GgufMetadata vocabulary, long seed) {
        spec.validate();
        this.spec = spec;
        this.type = type;
        this.vocabulary = vocabulary;
        this.seed = seed;
        if (!QuantRegistry.codec(type).canQuantize()) {
            throw new IllegalArgumentException("cannot write tensors of type " + type);
        }
    }

    public List<TensorInfo> tensors() {
        List<TensorInfo> t = new ArrayList<>();
        String a = spec.arch();
        int e = spec.nEmbd();
        int q = spec.nHead() * spec.headDim();
        int kv = spec.nHeadKv() * spec.headDim();
        matrix(t, "token_embd.weight", e, spec.vocab());
        vector(t, "output_norm.weight", e);
        if (!spec.tied()) {
            matrix(t, "output.weight", e, spec.vocab());
        }
        for (int i = 0; i < spec.nLayer(); i++) {
            String b = "blk." + i + ".";
            vector(t, b + "attn_norm.weight", e);
            if (a.equals("qwen35")) {
                vector(t, b + "post_attention_norm.weight", e);
            }
            if (spec.isRecurrent(i)) {
                int keyDim = spec.ssmGroups() * spec.ssmState();
                int valueDim = spec.ssmValueHeads() * spec.ssmState();
                int convDim = 2 * keyDim + valueDim;
                matrix(t, b + "attn_qkv.weight", e, convDim);
                matrix(t, b + "attn_gate.weight", e, valueDim);
                t.add(info(b + "ssm_conv1d.weight", GgmlType.F32, spec.convKernel(), convDim));
                vector(t, b + "ssm_dt.bias", spec.ssmValueHeads());
                vector(t, b + "ssm_a", spec.ssmValueHeads());
                matrix(t, b + "ssm_beta.weight", e, spec.ssmValueHeads());
                matrix(t, b + "ssm_alpha.weight", e, spec.ssmValueHeads());
                vector(t, b + "ssm_norm.weight", spec.ssmState());
                matrix(t, b + "ssm_out.weight", valueDim, e);
            } else {
                matrix(t, b + "attn_q.weight", e, a.equals("qwen35") ? 2 * q : q);
                matrix(t, b + "attn_k.weight", e, kv);
                matrix(t, b + "attn_v.weight", e, kv);
                if (a.equals("qwen2")) {
                    vector(t, b + "attn_q.bias", q);
                    vector(t, b + "attn_k.bias", kv);
                    vector(t, b + "attn_v.bias", kv);
                }
                matrix(t, b + "attn_output.weight", q, e);
                if (a.equals("qwen3") || a.equals("qwen35")) {
                    vector(t, b + "attn_q_norm.weight", spec.headDim());
                    vector(t, b + "attn_k_norm.weight", spec.headDim());
                }
            }
            if (!a.equals("qwen35")) {
                vector(t, b + "ffn_norm.weight", e);
            }
            matrix(t, b + "ffn_gate.weight", e, spec.nFf());
            matrix(t, b + "ffn_up.weight", e, spec.nFf());
            matrix(t, b + "ffn_down.weight", spec.nFf(), e);
        }
        return t;
    }

    private void matrix(List<TensorInfo> t, String name, int rowLength, int rows) {
        t.add(info(name, QuantRegistry.fallbackFor(type, rowLength), rowLength, rows));
    }

    private static void vector(List<TensorInfo> t, String name, int n) {
        t.add(new TensorInfo(name, new long[]{n}, GgmlType.F32, 0));
    }

    private static TensorInfo info(String name, GgmlType type, long rowLength, long rows) {
        return new TensorInfo(name, new long[]{rowLength, rows}, type, 0);
    }

    public GgufMetadata metadata() {
        String a = spec.arch();
        GgufMetadata m = new GgufMetadata();
        m.putString("general.architecture", a);
        m.putString("general.name", "synthetic-" + a + "-" + spec.nEmbd() + "x" + spec.nLayer());
        m.putUInt32(a + ".context_length", spec.contextLength());
        m.putUInt32(a + ".embedding_length", spec.nEmbd());
        m.putUInt32(a + ".block_count", spec.nLayer());
        m.putUInt32(a + ".feed_forward_length", spec.nFf());
        m.putUInt32(a + ".attention.head_count", spec.nHead());
        m.putUInt32(a + ".attention.head_count_kv", spec.nHeadKv());
        m.putUInt32(a + ".attention.key_length", spec.headDim());
        m.putUInt32(a + ".attention.value_length", spec.headDim());
        m.putFloat32(a + ".rope.freq_base", spec.ropeBase());
        m.putFloat32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
        m.putUInt32(a + ".rope.dimension_count", spec.ropeDims());
        if (a.equals("qwen35")) {
            m.put(a + ".rope.dimension_sections", GgufValue.ofArray(GgufArray.ofInt32(spec.ropeSections())));
            m.putUInt32(a + ".ssm.conv_kernel", spec.convKernel());
            m.putUInt32(a + ".ssm.state_size", spec.ssmState());
            m.putUInt32(a + ".ssm.group_count", spec.ssmGroups());
            m.putUInt32(a + ".ssm.time_step_rank", spec.ssmValueHeads());
            m.putUInt32(a + ".ssm.inner_size", spec.ssmValueHeads() * spec.ssmState());
            m.putUInt32(a + ".full_attention_interval", spec.attnInterval());
        }
        m.putUInt32("general.file_type", FileType.forType(type).map(f -> f.id).orElse(0));
        m.putUInt32("general.quantization_version", 2);
        copyVocabulary(m);
        return m;
    }

    /** Copies the tokenizer keys, padding the token list (and its types and scores) to the model's vocab size. */
    private void copyVocabulary(GgufMetadata m) {
        String[] tokens = vocabulary.getArray("tokenizer.ggml.tokens").strings();
        if (tokens.length > spec.vocab()) {
            throw new IllegalArgumentException("the vocabulary has " + tokens.length + " tokens, more than the model's "
                    + spec.vocab() + "; give a larger --vocab-size");
        }
        int pad = spec.vocab() - tokens.length;
        for (var entry : vocabulary.asMap().entrySet()) {
            String key = entry.getKey();
            if (!key.startsWith("tokenizer.")) {
                continue;
            }
            GgufValue v = entry.getValue();
            if (pad > 0 && key.equals("tokenizer.ggml.tokens")) {
                String[] padded = Arrays.copyOf(tokens, spec.vocab());
                for (int i = tokens.length; i < padded.length; i++) {
                    padded[i] = "[PAD" + i + "]";
                }
                v = GgufValue.ofArray(GgufArray.ofStrings(padded));
            } else if (pad > 0 && key.equals("tokenizer.ggml.token_type")) {
                int[] types = Arrays.copyOf(v.asArray().longs().length == tokens.length
                        ? Arrays.stream(v.asArray().longs()).mapToInt(x -> (int) x).toArray() : new int[0], spec.vocab());
                Arrays.fill(types, tokens.length, types.length, 5); // llama.cpp's UNUSED token type
                v = GgufValue.ofArray(GgufArray.ofInt32(types));
            } else if (pad > 0 && key.equals("tokenizer.ggml.scores")) {
                v = GgufValue.ofArray(GgufArray.ofFloat32(Arrays.copyOf(v.asArray().floats(), spec.vocab())));
            }
            m.put(key, v);
        }
    }

    /** Writes the model, generating rows on {@code threads} threads. */
    public void write(Path out, int threads, IntConsumer onTensorDone) throws IOException {
        List<TensorInfo> tensors = tensors();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon().unstarted(r));
        try (GgufWriter w = GgufWriter.create(out, metadata(), tensors)) {
            for (int i = 0; i < tensors.size(); i++) {
                writeTensor(w, tensors.get(i), i, pool, threads);
                onTensorDone.accept(i);
            }
            w.commit();
        } finally {
            pool.shutdownNow();
        }
    }

    private void writeTensor(GgufWriter w, TensorInfo t, int index, ExecutorService pool, int threads)
            throws IOException {
        int n = (int) t.rowLength();
        long rowBytes = t.type().bytesFor(n);
        int rowsPerChunk = (int) Math.max(1, Math.min(t.rows(), CHUNK_BYTES / rowBytes));
        QuantCodec codec = QuantRegistry.codec(t.type());
        WeightKind kind = WeightKind.of(t.name());
        for (long first = 0; first < t.rows(); first += rowsPerChunk) {
            int rows = (int) Math.min(rowsPerChunk, t.rows() - first);
            byte[] chunk = new byte[(int) (rows * rowBytes)];
            MemorySegment dst = MemorySegment.ofArray(chunk);
            long chunkStart = first;
            int parts = Math.min(threads, rows);
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                int from = (int) ((long) rows * p / parts);
                int to = (int) ((long) rows * (p + 1) / parts);
                futures.add(pool.submit(() -> {
                    float[] row = new float[n];
                    for (int r = from; r < to; r++) {
                        kind.fill(row, new RowRandom(seed, index, chunkStart + r));
                        codec.quantizeRow(row, 0, n, null, dst, r * rowBytes);
                    }
                }));
            }
            for (Future<?> f : futures) {
                await(f);
            }
            w.append(chunk);
        }
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }
}
