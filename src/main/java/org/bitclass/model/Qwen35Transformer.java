package org.bitclass.model;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.model.kernel.QuantizedBatches;
import org.bitclass.model.kernel.WorkerPool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code qwen35} hybrid decoder (Qwen3.5; llama.cpp src/models/qwen35.cpp, spec shared/spec/qwen35.md). Per
 * layer: {@code h += Mixer(RMSNorm(h))}, where the mixer is a Gated DeltaNet ({@link GatedDeltaNet}) or, every few
 * layers, gated full attention; then {@code h += W_down·(silu(W_gate·n) ⊙ W_up·n)} with
 * {@code n = RMSNorm(h; post_attention_norm)}; finally {@code logits = W_out·RMSNorm(h)}. The attention layers keep
 * a KV cache, the DeltaNet layers a recurrent state ({@link DeltaNetState}), both per session. Multi-token
 * prediction blocks after the main stack are loaded but never run (they only serve speculative decoding).
 */
public final class Qwen35Transformer extends Transformer {

    private record GatedAttention(Linear queryGate, Linear k, Linear v, float[] qNorm, float[] kNorm, Linear o,
                                  int cacheSlot) {
    }

    private record DeltaNetMixer(Linear qkv, Linear z, Linear alpha, Linear beta, GatedDeltaNet net, Linear out) {
    }

    /** One block; exactly one of {@code attention} and {@code deltaNet} is set. */
    private record Layer(float[] attnNorm, GatedAttention attention, DeltaNetMixer deltaNet, FeedForward ffn) {
    }

    /** A multi-token-prediction block: an attention block fed by {@code eh_proj·[enorm(e); hnorm(h)]}. */
    private record MtpBlock(Layer block, Linear ehProj, float[] enorm, float[] hnorm) {
    }

    private final Qwen35Config config;
    private final ModelConfig attentionShape;
    private final MultiSectionRope rope;
    private final Layer[] layers;
    private final List<MtpBlock> mtpBlocks = new ArrayList<>();

    /**
     * Takes ownership of {@code gguf} and {@code pool}: closing the model closes both. {@code batches} says how
     * batches of quantized weights are multiplied.
     */
    public Qwen35Transformer(GgufModel gguf, WorkerPool pool, QuantizedBatches batches) {
        TensorInfo embd = gguf.tensor("token_embd.weight");
        Qwen35Config config = Qwen35Config.read(gguf.metadata(), Math.toIntExact(embd.rows()));
        ModelTensors tensors = new ModelTensors(gguf, batches);
        super(gguf, pool, tensors, tensors.matrix("token_embd.weight", config.nEmbd(), config.nVocab()),
                config.nEmbd(), config.nVocab(), config.contextLength(), config.rmsEps());
        this.config = config;
        this.attentionShape = config.attentionShape();
        this.rope = new MultiSectionRope(config.ropeDims(), config.ropeFreqBase(), config.ropeScaling(),
                config.ropeSections());
        this.layers = new Layer[config.nLayer()];
        int cacheSlot = 0;
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            boolean recurrent = config.recurrent()[l];
            layers[l] = loadLayer(tensors, p, recurrent ? null : loadAttention(tensors, p, cacheSlot),
                    recurrent ? loadDeltaNet(tensors, p) : null);
            cacheSlot += recurrent ? 0 : 1;
        }
        for (int l = config.nLayer(); l < config.nLayer() + config.nLayerNextn(); l++) {
            String p = "blk." + l + ".";
            int e = config.nEmbd();
            mtpBlocks.add(new MtpBlock(loadLayer(tensors, p, loadAttention(tensors, p, -1), null),
                    tensors.linear(p + "nextn.eh_proj", 2 * e, e), tensors.vector(p + "nextn.enorm.weight", e),
                    tensors.vector(p + "nextn.hnorm.weight", e)));
        }
    }

    private Layer loadLayer(ModelTensors t, String p, GatedAttention attention, DeltaNetMixer deltaNet) {
        Qwen35Config c = config;
        return new Layer(
                t.vector(p + "attn_norm.weight", c.nEmbd()),
                attention,
                deltaNet,
                FeedForward.load(t, p, "post_attention_norm.weight", c.nEmbd(), c.nFf()));
    }

    private GatedAttention loadAttention(ModelTensors t, String p, int cacheSlot) {
        Qwen35Config c = config;
        return new GatedAttention(
                t.linear(p + "attn_q", c.nEmbd(), 2 * c.qDim()),
                t.linear(p + "attn_k", c.nEmbd(), c.kvDim()),
                t.linear(p + "attn_v", c.nEmbd(), c.kvDim()),
                t.vector(p + "attn_q_norm.weight", c.headDim()),
                t.vector(p + "attn_k_norm.weight", c.headDim()),
                t.linear(p + "attn_output", c.qDim(), c.nEmbd()),
                cacheSlot);
    }

    private DeltaNetMixer loadDeltaNet(ModelTensors t, String p) {
        Qwen35Config c = config;
        Linear qkv = t.linear(p + "attn_qkv", c.nEmbd(), c.convDim());
        Linear z = t.linear(p + "attn_gate", c.nEmbd(), c.valueDim());
        GatedDeltaNet net = new GatedDeltaNet(c,
                t.floats(p + "ssm_conv1d.weight", c.convKernel(), c.convDim()),
                t.vector(p + "ssm_dt.bias", c.valueHeads()),
                t.vector(p + "ssm_a", c.valueHeads()),
                t.vector(p + "ssm_norm.weight", c.stateSize()));
        return new DeltaNetMixer(qkv, z,
                t.linear(p + "ssm_alpha", c.nEmbd(), c.valueHeads()),
                t.linear(p + "ssm_beta", c.nEmbd(), c.valueHeads()),
                net,
                t.linear(p + "ssm_out", c.valueDim(), c.nEmbd()));
    }

    public Qwen35Config config() {
        return config;
    }

    /** Multi-token-prediction blocks found after the main stack (loaded, not run). */
    public int mtpBlocks() {
        return mtpBlocks.size();
    }

    @Override
    public RecurrentSession newSession(int capacity) {
        return new HybridSession(capacity);
    }

    /**
     * Evaluates one batch at positions {@code startPos ..}: attention layers write their keys and values into the
     * cache, DeltaNet layers advance the recurrent state.
     *
     * @return logits {@code [n_out × n_vocab]}: every token's if {@code allLogits}, else the last token's
     */
    private synchronized float[] forward(KvCache cache, DeltaNetState memory, int[] tokens, int startPos,
                                         boolean allLogits, LayerTap tap) {
        Qwen35Config c = config;
        int nTok = tokens.length;
        int dim = c.nEmbd();
        Scratch s = scratch.begin();
        float[] x = s.floats(nTok * dim);                   // [T × n_embd] residual stream
        float[] xn = s.floats(nTok * dim);                  // [T × n_embd] normed input of a mixer or the FFN
        float[] mix = s.floats(nTok * dim);                 // [T × n_embd] output of a mixer or the FFN
        float[] ffnGate = s.floats(nTok * c.nFf());         // [T × n_ff]
        float[] ffnUp = s.floats(nTok * c.nFf());           // [T × n_ff]
        // full attention
        float[] queryGate = s.floats(nTok * 2 * c.qDim());  // [T × n_head·2·head_dim] per head: query, then gate
        float[] q = s.floats(nTok * c.qDim());              // [T × n_head·head_dim] normed, roped queries
        float[] gate = s.floats(nTok * c.qDim());           // [T × n_head·head_dim] σ(output gate)
        float[] k = s.floats(nTok * c.kvDim());             // [T × n_head_kv·head_dim]
        float[] v = s.floats(nTok * c.kvDim());             // [T × n_head_kv·head_dim]
        float[] att = s.floats(nTok * c.qDim());            // [T × n_head·head_dim] attention output, heads concatenated
        float[] angles = s.floats(nTok * c.ropeDims());     // [T × n_rot] (cos, sin) per rotated pair
        // Gated DeltaNet
        float[] qkv = s.floats(nTok * c.convDim());         // [T × 2·H_k·d + H_v·d] raw q | k | v projection
        float[] conv = s.floats(nTok * c.convDim());        // [T × 2·H_k·d + H_v·d] convolved, SiLU, q and k L2-normed
        float[] z = s.floats(nTok * c.valueDim());          // [T × H_v·d] output gate projection
        float[] alpha = s.floats(nTok * c.valueHeads());    // [T × H_v] decay projection, then g = A·softplus(α + dt_bias)
        float[] beta = s.floats(nTok * c.valueHeads());     // [T × H_v] update projection, then σ(β)
        float[] y = s.floats(nTok * c.valueDim());          // [T × H_v·d] gated, normed delta-rule output

        boolean given = tap.load(x);
        for (int t = 0; t < nTok; t++) {
            if (!given) {
                embed(tokens[t], x, t * dim);
            }
            rope.angles(startPos + t, angles, t * c.ropeDims());
        }

        for (int l = tap.from(); l < layers.length; l++) {
            tap.record(l, x, nTok * dim);
            Layer layer = layers[l];
            rmsNormRows(x, layer.attnNorm, xn, nTok);
            if (layer.deltaNet != null) {
                DeltaNetMixer d = layer.deltaNet;
                multiply(xn, nTok, d.qkv.into(qkv), d.z.into(z), d.alpha.into(alpha), d.beta.into(beta));
                d.net.gates(alpha, beta, nTok);
                d.net.convolve(pool, qkv, nTok, memory.conv[l], conv);
                d.net.recur(pool, conv, alpha, beta, z, nTok, memory.ssm[l], y);
                multiply(y, nTok, d.out.into(mix));
            } else {
                GatedAttention a = layer.attention;
                multiply(xn, nTok, a.queryGate.into(queryGate), a.k.into(k), a.v.into(v));
                splitQueryAndGate(a, queryGate, angles, nTok, q, gate);
                for (int t = 0; t < nTok; t++) {
                    for (int h = 0; h < c.nHeadKv(); h++) {
                        int off = t * c.kvDim() + h * c.headDim();
                        Norms.rmsNorm(k, off, a.kNorm, k, off, c.headDim(), c.rmsEps());
                        rope.rotate(k, off, angles, t * c.ropeDims());
                    }
                }
                cache.store(a.cacheSlot, k, v, startPos, nTok);
                Attention.causal(pool, attentionShape, q, cache, a.cacheSlot, startPos, nTok, att);
                for (int i = 0; i < nTok * c.qDim(); i++) {
                    att[i] *= gate[i];
                }
                multiply(att, nTok, a.o.into(mix));
            }
            add(x, mix, nTok * dim);

            feedForward(layer.ffn, x, nTok, xn, ffnGate, ffnUp, mix);
        }

        return logits(x, nTok, allLogits, xn);
    }

    /**
     * Takes each head's query (first half of its {@code 2·head_dim} block) through its RMSNorm and RoPE into
     * {@code q}, and the sigmoid of its gate (second half) into {@code gate}.
     */
    private void splitQueryAndGate(GatedAttention a, float[] queryGate, float[] angles, int nTok, float[] q,
                                   float[] gate) {
        int hd = config.headDim();
        for (int t = 0; t < nTok; t++) {
            for (int h = 0; h < config.nHead(); h++) {
                int from = (t * config.nHead() + h) * 2 * hd;
                int off = t * config.qDim() + h * hd;
                Norms.rmsNorm(queryGate, from, a.qNorm, q, off, hd, config.rmsEps());
                rope.rotate(q, off, angles, t * config.ropeDims());
                for (int i = 0; i < hd; i++) {
                    gate[off + i] = 1.0f / (1.0f + (float) Math.exp(-queryGate[from + hd + i]));
                }
            }
        }
    }

    @Override
    float[] runFresh(int[] tokens, LayerTap tap) {
        return forward(new KvCache(config.attentionLayers(), tokens.length, config.kvDim()), new DeltaNetState(config),
                tokens, 0, true, tap);
    }

    @Override
    public int layerCount() {
        return layers.length;
    }

    /** A sequence: the attention layers' KV cache and the DeltaNet layers' recurrent state. */
    private final class HybridSession extends CachedSession implements RecurrentSession {
        private final DeltaNetState memory;

        HybridSession(int capacity) {
            super(new KvCache(config.attentionLayers(), capacity, config.kvDim()));
            this.memory = new DeltaNetState(config);
        }

        @Override
        void rewindTo(int startPos) {
            if (startPos != position && startPos != 0) {
                throw new IllegalArgumentException("a qwen35 session cannot go back to position " + startPos + " (it is at "
                        + position + "): its recurrent state holds every token so far; start over at 0 or restore a saved state");
            }
            if (startPos == 0) {
                reset();
            }
        }

        @Override
        float[] evaluate(int[] batch, int pos, boolean allLogits) {
            return Qwen35Transformer.this.forward(cache, memory, batch, pos, allLogits, LayerTap.NONE);
        }

        @Override
        public void reset() {
            position = 0;
            memory.clear();
        }

        @Override
        public State save() {
            int kvDim = cache.kvDim;
            float[][] keys = new float[cache.keys.length][kvDim * position];
            float[][] values = new float[cache.values.length][];
            for (int s = 0; s < keys.length; s++) {
                for (int i = 0; i < kvDim; i++) {
                    System.arraycopy(cache.keys[s], i * cache.capacity, keys[s], i * position, position);
                }
                values[s] = Arrays.copyOf(cache.values[s], position * kvDim);
            }
            return new SavedState(Qwen35Transformer.this, position, keys, values, memory.copy());
        }

        @Override
        public void restore(State state) {
            if (!(state instanceof SavedState saved) || saved.model != Qwen35Transformer.this) {
                throw new IllegalArgumentException("the state was not saved from a session of this model");
            }
            if (saved.position > cache.capacity) {
                throw new IllegalArgumentException("the saved state holds " + saved.position
                        + " tokens, more than this session's capacity " + cache.capacity);
            }
            int n = saved.position;
            for (int s = 0; s < saved.keys.length; s++) {
                for (int i = 0; i < cache.kvDim; i++) {
                    System.arraycopy(saved.keys[s], i * n, cache.keys[s], i * cache.capacity, n);
                }
                System.arraycopy(saved.values[s], 0, cache.values[s], 0, n * cache.kvDim);
            }
            memory.copyFrom(saved.memory);
            position = n;
        }
    }

    /** A copy of a session: positions {@code [0, position)} of each attention layer's cache, and the recurrent state. */
    private record SavedState(Qwen35Transformer model, int position, float[][] keys, float[][] values,
                              DeltaNetState memory) implements RecurrentSession.State {
    }
}
