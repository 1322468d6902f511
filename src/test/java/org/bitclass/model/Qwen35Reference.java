package org.bitclass.model;

import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufModel;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A slow, independent qwen35 forward pass for tests, written straight from shared/spec/qwen35.md: double precision,
 * one token at a time, the delta rule in its recurrent form, attention recomputed over all kept keys. Reads F32
 * models only.
 */
final class Qwen35Reference {

    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgufModel gguf;
    private final Map<String, float[]> tensors = new HashMap<>();
    private final int nEmbd, nLayer, nHead, nHeadKv, hd, nRot, kernel, d, hk, hv, interval, nVocab;
    private final int[] sections;
    private final double base, eps;

    Qwen35Reference(GgufModel gguf) {
        this.gguf = gguf;
        GgufMetadata md = gguf.metadata();
        String p = "qwen35.";
        nEmbd = md.getInt(p + "embedding_length");
        nLayer = md.getInt(p + "block_count") - md.getInt(p + "nextn_predict_layers", 0);
        nHead = md.getInt(p + "attention.head_count");
        nHeadKv = md.getInt(p + "attention.head_count_kv");
        hd = md.getInt(p + "attention.key_length");
        nRot = md.getInt(p + "rope.dimension_count");
        sections = Arrays.stream(md.getArray(p + "rope.dimension_sections").longs()).mapToInt(Math::toIntExact).toArray();
        base = md.getFloat(p + "rope.freq_base");
        eps = md.getFloat(p + "attention.layer_norm_rms_epsilon");
        kernel = md.getInt(p + "ssm.conv_kernel");
        d = md.getInt(p + "ssm.state_size");
        hk = md.getInt(p + "ssm.group_count");
        hv = md.getInt(p + "ssm.time_step_rank");
        interval = md.getInt(p + "full_attention_interval", 4);
        nVocab = (int) gguf.tensor("token_embd.weight").rows();
    }

    /** Logits {@code [T × n_vocab]} of a fresh sequence. */
    float[] logits(int[] tokens) {
        int convDim = 2 * hk * d + hv * d;
        List<List<double[]>> history = new ArrayList<>();   // per layer: raw qkv rows (DeltaNet) or keys (attention)
        List<List<double[]>> values = new ArrayList<>();
        double[][][][] states = new double[nLayer][hv][d][d];
        for (int l = 0; l < nLayer; l++) {
            history.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
        float[] out = new float[tokens.length * nVocab];
        for (int t = 0; t < tokens.length; t++) {
            double[] h = row("token_embd.weight", tokens[t], nEmbd);
            for (int l = 0; l < nLayer; l++) {
                String b = "blk." + l + ".";
                double[] a = rms(h, 0, nEmbd, w(b + "attn_norm.weight"));
                double[] m;
                if ((l + 1) % interval != 0) {
                    history.get(l).add(mv(b + "attn_qkv.weight", a));
                    m = deltaNet(b, a, history.get(l), states[l], convDim);
                } else {
                    m = attention(b, a, t, history.get(l), values.get(l));
                }
                double[] r = add(h, m);
                double[] n = rms(r, 0, nEmbd, w(b + "post_attention_norm.weight"));
                double[] g = mv(b + "ffn_gate.weight", n);
                double[] u = mv(b + "ffn_up.weight", n);
                for (int i = 0; i < g.length; i++) {
                    g[i] = silu(g[i]) * u[i];
                }
                h = add(r, mv(b + "ffn_down.weight", g));
            }
            double[] y = rms(h, 0, nEmbd, w("output_norm.weight"));
            double[] logits = mv(gguf.find("output.weight").isPresent() ? "output.weight" : "token_embd.weight", y);
            for (int i = 0; i < nVocab; i++) {
                out[t * nVocab + i] = (float) logits[i];
            }
        }
        return out;
    }

    private double[] deltaNet(String b, double[] a, List<double[]> raw, double[][][] s, int convDim) {
        int keyDim = hk * d;
        float[] conv = w(b + "ssm_conv1d.weight");
        double[] c = new double[convDim];
        int t = raw.size() - 1;
        for (int ch = 0; ch < convDim; ch++) {
            double sum = 0;
            for (int j = 0; j < kernel; j++) {
                int src = t - (kernel - 1) + j;
                sum += src < 0 ? 0 : conv[ch * kernel + j] * raw.get(src)[ch];
            }
            c[ch] = silu(sum);
        }
        double[] z = mv(b + "attn_gate.weight", a);
        double[] beta = mv(b + "ssm_beta.weight", a);
        double[] alpha = mv(b + "ssm_alpha.weight", a);
        double[] y = new double[hv * d];
        for (int h = 0; h < hv; h++) {
            int i = h % hk;   // tiled key head of value head h (spec §4 step 5)
            double[] q = l2(c, i * d);
            double[] k = l2(c, keyDim + i * d);
            double g = w(b + "ssm_a")[h] * softplus(alpha[h] + w(b + "ssm_dt.bias")[h]);
            double bt = 1 / (1 + Math.exp(-beta[h]));
            double[][] sh = s[h];
            double[] o = new double[d];
            for (int j = 0; j < d; j++) {
                double sk = 0;
                for (int r = 0; r < d; r++) {
                    sh[r][j] *= Math.exp(g);
                    sk += sh[r][j] * k[r];
                }
                double delta = bt * (c[2 * keyDim + h * d + j] - sk);
                for (int r = 0; r < d; r++) {
                    sh[r][j] += k[r] * delta;
                    o[j] += sh[r][j] * q[r];
                }
                o[j] /= Math.sqrt(d);
            }
            double[] normed = rms(o, 0, d, w(b + "ssm_norm.weight"));
            for (int j = 0; j < d; j++) {
                y[h * d + j] = normed[j] * silu(z[h * d + j]);
            }
        }
        return mv(b + "ssm_out.weight", y);
    }

    private double[] attention(String b, double[] a, int pos, List<double[]> keys, List<double[]> vals) {
        double[] u = mv(b + "attn_q.weight", a);
        double[] k = mv(b + "attn_k.weight", a);
        double[] v = mv(b + "attn_v.weight", a);
        double[] kr = new double[k.length];
        for (int j = 0; j < nHeadKv; j++) {
            System.arraycopy(rope(rms(k, j * hd, hd, w(b + "attn_k_norm.weight")), pos), 0, kr, j * hd, hd);
        }
        keys.add(kr);
        vals.add(v);
        double[] o = new double[nHead * hd];
        for (int h = 0; h < nHead; h++) {
            double[] q = rope(rms(u, 2 * hd * h, hd, w(b + "attn_q_norm.weight")), pos);
            int j = h / (nHead / nHeadKv);
            double[] p = new double[keys.size()];
            double max = Double.NEGATIVE_INFINITY;
            for (int tau = 0; tau < p.length; tau++) {
                for (int i = 0; i < hd; i++) {
                    p[tau] += q[i] * keys.get(tau)[j * hd + i];
                }
                p[tau] /= Math.sqrt(hd);
                max = Math.max(max, p[tau]);
            }
            double sum = 0;
            for (int tau = 0; tau < p.length; tau++) {
                p[tau] = Math.exp(p[tau] - max);
                sum += p[tau];
            }
            for (int i = 0; i < hd; i++) {
                double acc = 0;
                for (int tau = 0; tau < p.length; tau++) {
                    acc += p[tau] / sum * vals.get(tau)[j * hd + i];
                }
                o[h * hd + i] = acc / (1 + Math.exp(-u[2 * hd * h + hd + i]));
            }
        }
        return mv(b + "attn_output.weight", o);
    }

    /** NeoX rotation of the first n_rot values; pairs of the extra section e have position 0 (spec §3 step 4). */
    private double[] rope(double[] x, int pos) {
        double[] y = x.clone();
        int half = nRot / 2;
        int total = sections[0] + sections[1] + sections[2] + sections[3];
        for (int i = 0; i < half; i++) {
            int sec = i % total;
            boolean text = (sec % 3 == 1 && sec < 3 * sections[1]) || (sec % 3 == 2 && sec < 3 * sections[2])
                    || (sec % 3 == 0 && sec < 3 * sections[0]);
            double angle = (text ? pos : 0) * Math.pow(base, -2.0 * i / nRot);
            y[i] = x[i] * Math.cos(angle) - x[i + half] * Math.sin(angle);
            y[i + half] = x[i] * Math.sin(angle) + x[i + half] * Math.cos(angle);
        }
        return y;
    }

    private double[] l2(double[] x, int off) {
        double sum = 0;
        for (int i = 0; i < d; i++) {
            sum += x[off + i] * x[off + i];
        }
        double scale = 1 / Math.max(Math.sqrt(sum), eps);
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            y[i] = x[off + i] * scale;
        }
        return y;
    }

    private double[] rms(double[] x, int off, int n, float[] weight) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[off + i] * x[off + i];
        }
        double scale = 1 / Math.sqrt(sum / n + eps);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = x[off + i] * scale * weight[i];
        }
        return y;
    }

    private double[] mv(String name, double[] x) {
        float[] m = w(name);
        int rows = m.length / x.length;
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double acc = 0;
            for (int i = 0; i < x.length; i++) {
                acc += m[r * x.length + i] * x[i];
            }
            y[r] = acc;
        }
        return y;
    }

    private double[] row(String name, int r, int n) {
        float[] m = w(name);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = m[r * n + i];
        }
        return y;
    }

    private float[] w(String name) {
        return tensors.computeIfAbsent(name, n -> gguf.data(n).toArray(FLOAT_LE));
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = a.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += b[i];
        }
        return y;
    }

    private static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    private static double softplus(double x) {
        return Math.log1p(Math.exp(x));
    }
}
