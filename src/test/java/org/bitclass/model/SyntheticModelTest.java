package org.bitclass.model;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiny random llama, qwen2 and qwen3 models against a slow double-precision forward pass written here from the
 * spec (§9): adjacent-pair RoPE for llama, q/k/v biases for qwen2, per-head q/k norm for qwen3, grouped heads.
 */
class SyntheticModelTest {

    private static final int EMBD = 16, LAYERS = 2, HEADS = 4, KV_HEADS = 2, HEAD_DIM = 4, FF = 24, VOCAB = 20;
    private static final float EPS = 1e-5f, BASE = 10000f;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"llama, false", "qwen2, true", "qwen3, false"})
    void matchesReference(String arch, boolean biases) throws IOException {
        Map<String, float[]> w = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(arch.hashCode());
        add(w, shapes, r, "token_embd.weight", EMBD, VOCAB);
        add(w, shapes, r, "output_norm.weight", EMBD);
        add(w, shapes, r, "output.weight", EMBD, VOCAB);
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            add(w, shapes, r, p + "attn_norm.weight", EMBD);
            add(w, shapes, r, p + "attn_q.weight", EMBD, HEADS * HEAD_DIM);
            add(w, shapes, r, p + "attn_k.weight", EMBD, KV_HEADS * HEAD_DIM);
            add(w, shapes, r, p + "attn_v.weight", EMBD, KV_HEADS * HEAD_DIM);
            if (biases) {
                add(w, shapes, r, p + "attn_q.bias", HEADS * HEAD_DIM);
                add(w, shapes, r, p + "attn_k.bias", KV_HEADS * HEAD_DIM);
                add(w, shapes, r, p + "attn_v.bias", KV_HEADS * HEAD_DIM);
            }
            if (arch.equals("qwen3")) {
                add(w, shapes, r, p + "attn_q_norm.weight", HEAD_DIM);
                add(w, shapes, r, p + "attn_k_norm.weight", HEAD_DIM);
            }
            add(w, shapes, r, p + "attn_output.weight", HEADS * HEAD_DIM, EMBD);
            add(w, shapes, r, p + "ffn_norm.weight", EMBD);
            add(w, shapes, r, p + "ffn_gate.weight", EMBD, FF);
            add(w, shapes, r, p + "ffn_up.weight", EMBD, FF);
            add(w, shapes, r, p + "ffn_down.weight", FF, EMBD);
        }
        Path file = write(arch, w, shapes);
        int[] tokens = {3, 17, 0, 9, 9, 12, 5};
        try (LanguageModel m = Models.open(file, 2)) {
            float[] logits = m.newSession(16).forward(tokens, 0, Session.Outputs.ALL);
            double[] expected = reference(arch, w, tokens);
            double diff = 0, norm = 0;
            for (int i = 0; i < expected.length; i++) {
                diff += (logits[i] - expected[i]) * (logits[i] - expected[i]);
                norm += expected[i] * expected[i];
            }
            assertThat(Math.sqrt(diff / norm)).isLessThan(1e-5);
        }
    }

    private static void add(Map<String, float[]> w, Map<String, long[]> shapes, SplittableRandom r, String name, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        boolean norm = name.contains("norm");
        for (int i = 0; i < n; i++) {
            v[i] = norm ? (float) (1 + 0.2 * r.nextGaussian()) : (float) (0.5 * r.nextGaussian());
        }
        w.put(name, v);
        shapes.put(name, shape);
    }

    private Path write(String arch, Map<String, float[]> w, Map<String, long[]> shapes) throws IOException {
        GgufMetadata md = new GgufMetadata().putString("general.architecture", arch)
                .putUInt32(arch + ".context_length", 64).putUInt32(arch + ".embedding_length", EMBD)
                .putUInt32(arch + ".block_count", LAYERS).putUInt32(arch + ".feed_forward_length", FF)
                .putUInt32(arch + ".attention.head_count", HEADS).putUInt32(arch + ".attention.head_count_kv", KV_HEADS)
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", EPS);
        List<TensorInfo> infos = new ArrayList<>();
        shapes.forEach((name, shape) -> infos.add(new TensorInfo(name, shape, GgmlType.F32, 0)));
        Path file = dir.resolve(arch + ".gguf");
        try (GgufWriter writer = GgufWriter.create(file, md, infos)) {
            for (float[] v : w.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                writer.append(b.array());
            }
            writer.commit();
        }
        return file;
    }

    // ---- slow reference, in double, one token at a time, straight from the formulas ----

    private static double[] reference(String arch, Map<String, float[]> w, int[] tokens) {
        int n = tokens.length;
        double[][] h = new double[n][];
        for (int t = 0; t < n; t++) {
            h[t] = row(w.get("token_embd.weight"), tokens[t], EMBD);
        }
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            double[][] q = new double[n][], k = new double[n][], v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] a = rmsNorm(h[t], w.get(p + "attn_norm.weight"));
                q[t] = linear(w, p + "attn_q", a);
                k[t] = linear(w, p + "attn_k", a);
                v[t] = linear(w, p + "attn_v", a);
                for (int hh = 0; hh < HEADS; hh++) {
                    headNormAndRope(arch, w, p + "attn_q_norm.weight", q[t], hh * HEAD_DIM, t);
                }
                for (int hh = 0; hh < KV_HEADS; hh++) {
                    headNormAndRope(arch, w, p + "attn_k_norm.weight", k[t], hh * HEAD_DIM, t);
                }
            }
            for (int t = 0; t < n; t++) {
                double[] att = new double[HEADS * HEAD_DIM];
                for (int hh = 0; hh < HEADS; hh++) {
                    int kv = hh / (HEADS / KV_HEADS) * HEAD_DIM;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        for (int i = 0; i < HEAD_DIM; i++) {
                            s[u] += q[t][hh * HEAD_DIM + i] * k[u][kv + i];
                        }
                        s[u] /= Math.sqrt(HEAD_DIM);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        sum += s[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int i = 0; i < HEAD_DIM; i++) {
                            att[hh * HEAD_DIM + i] += s[u] / sum * v[u][kv + i];
                        }
                    }
                }
                add(h[t], linear(w, p + "attn_output", att));
            }
            for (int t = 0; t < n; t++) {
                double[] a = rmsNorm(h[t], w.get(p + "ffn_norm.weight"));
                double[] g = linear(w, p + "ffn_gate", a);
                double[] u = linear(w, p + "ffn_up", a);
                for (int i = 0; i < FF; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                add(h[t], linear(w, p + "ffn_down", g));
            }
        }
        double[] logits = new double[n * VOCAB];
        for (int t = 0; t < n; t++) {
            double[] y = linear(w, "output", rmsNorm(h[t], w.get("output_norm.weight")));
            System.arraycopy(y, 0, logits, t * VOCAB, VOCAB);
        }
        return logits;
    }

    private static void headNormAndRope(String arch, Map<String, float[]> w, String normName, double[] x, int off, int pos) {
        if (arch.equals("qwen3")) {
            double[] normed = rmsNorm(java.util.Arrays.copyOfRange(x, off, off + HEAD_DIM), w.get(normName));
            System.arraycopy(normed, 0, x, off, HEAD_DIM);
        }
        for (int i = 0; i < HEAD_DIM / 2; i++) {
            double angle = pos * Math.pow(BASE, -2.0 * i / HEAD_DIM);
            int a = arch.equals("llama") ? off + 2 * i : off + i;
            int b = arch.equals("llama") ? a + 1 : a + HEAD_DIM / 2;
            double x0 = x[a], x1 = x[b];
            x[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
            x[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
        }
    }

    private static double[] row(float[] m, int r, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < cols; i++) {
            out[i] = m[r * cols + i];
        }
        return out;
    }

    private static double[] linear(Map<String, float[]> w, String base, double[] x) {
        float[] m = w.get(base + ".weight");
        float[] bias = w.get(base + ".bias");
        int rows = m.length / x.length;
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < x.length; i++) {
                y[r] += m[r * x.length + i] * x[i];
            }
            if (bias != null) {
                y[r] += bias[r];
            }
        }
        return y;
    }

    private static double[] rmsNorm(double[] x, float[] weight) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + EPS);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }
}
