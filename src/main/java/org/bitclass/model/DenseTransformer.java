package org.bitclass.model;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.model.kernel.QuantizedBatches;
import org.bitclass.model.kernel.WeightMatrix;
import org.bitclass.model.kernel.WorkerPool;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The pre-norm decoder shared by {@code llama}, {@code qwen2} and {@code qwen3} (llama.cpp src/models/{llama,qwen2,
 * qwen3}.cpp). Per layer: {@code h += W_o·Attn(RoPE(q), RoPE(k), v)} over {@code RMSNorm(h)}, then
 * {@code h += W_down·(silu(W_gate·n) ⊙ W_up·n)} with {@code n = RMSNorm(h)}; finally {@code logits = W_out·RMSNorm(h)}.
 * Weights stay mapped from the GGUF; norms and biases (small, F32) are copied to the heap.
 */
public final class DenseTransformer extends Transformer {

    private record Layer(float[] attnNorm, Linear q, Linear k, Linear v, float[] qNorm, float[] kNorm, Linear o,
                         FeedForward ffn) {
    }

    private final ModelConfig config;
    private final Rope rope;
    private final Layer[] layers;

    /**
     * Takes ownership of {@code gguf} and {@code pool}: closing the model closes both. {@code batches} says how
     * batches of quantized weights are multiplied.
     */
    public DenseTransformer(GgufModel gguf, WorkerPool pool, QuantizedBatches batches) {
        TensorInfo embd = gguf.tensor("token_embd.weight");
        ModelConfig config = ModelConfig.read(gguf.metadata(), Math.toIntExact(embd.rows()));
        ModelTensors tensors = new ModelTensors(gguf, batches);
        super(gguf, pool, tensors, WeightMatrix.of(embd, gguf.data(embd), batches), config.nEmbd(), config.nVocab(),
                config.contextLength(), config.rmsEps());
        this.config = config;
        this.rope = new Rope(config.architecture().ropeStyle, config.ropeDims(), config.ropeFreqBase(),
                config.ropeScaling(), tensors.optionalFloats("rope_freqs.weight"));
        this.layers = new Layer[config.nLayer()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = loadLayer(tensors, "blk." + i + ".");
        }
    }

    private Layer loadLayer(ModelTensors t, String p) {
        ModelConfig c = config;
        boolean qkNorm = c.architecture().qkNorm;
        return new Layer(
                t.vector(p + "attn_norm.weight", c.nEmbd()),
                t.linear(p + "attn_q", c.nEmbd(), c.qDim()),
                t.linear(p + "attn_k", c.nEmbd(), c.kvDim()),
                t.linear(p + "attn_v", c.nEmbd(), c.kvDim()),
                qkNorm ? t.vector(p + "attn_q_norm.weight", c.headDim()) : null,
                qkNorm ? t.vector(p + "attn_k_norm.weight", c.headDim()) : null,
                t.linear(p + "attn_output", c.qDim(), c.nEmbd()),
                FeedForward.load(t, p, "ffn_norm.weight", c.nEmbd(), c.nFf()));
    }

    public ModelConfig config() {
        return config;
    }

    @Override
    public Session newSession(int capacity) {
        return new DenseSession(new KvCache(config.nLayer(), capacity, config.kvDim()));
    }

    @Override
    public float[][] forwardBatch(List<BatchPart> parts) {
        int total = 0;
        Set<Session> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (BatchPart part : parts) {
            if (!(part.session() instanceof DenseSession s) || s.model() != this || !seen.add(s)) {
                throw new IllegalArgumentException("a batch takes distinct sessions of this model");
            }
            total += part.tokens().length;
        }
        if (total > MAX_BATCH_TOKENS) {
            throw new IllegalArgumentException("a batch holds at most " + MAX_BATCH_TOKENS + " tokens, got " + total);
        }
        int[] tokens = new int[total];
        Attention.Span[] spans = new Attention.Span[parts.size()];
        int row = 0;
        for (int i = 0; i < spans.length; i++) {
            BatchPart part = parts.get(i);
            DenseSession session = (DenseSession) part.session();
            session.prepare(part.tokens().length, part.startPos());
            System.arraycopy(part.tokens(), 0, tokens, row, part.tokens().length);
            spans[i] = new Attention.Span(session.cache, part.startPos(), row, part.tokens().length);
            row += part.tokens().length;
        }
        float[] logits = forward(tokens, spans, false, LayerTap.NONE);
        float[][] out = new float[spans.length][];
        for (int i = 0; i < spans.length; i++) {
            BatchPart part = parts.get(i);
            ((DenseSession) part.session()).position = part.startPos() + part.tokens().length;
            out[i] = Arrays.copyOfRange(logits, i * config.nVocab(), (i + 1) * config.nVocab());
        }
        return out;
    }

    /**
     * Evaluates one batch made of spans of one or more sequences, each at its own positions, writing their keys and
     * values into their caches.
     *
     * @param tokens the spans' tokens one after another
     * @return logits {@code [n_out × n_vocab]}: every token's if {@code allLogits}, else each span's last token's
     */
    private synchronized float[] forward(int[] tokens, Attention.Span[] spans, boolean allLogits, LayerTap tap) {
        ModelConfig c = config;
        int nTok = tokens.length;
        int dim = c.nEmbd();
        Scratch s = scratch.begin();
        float[] x = s.floats(nTok * dim);                 // [T × n_embd] residual stream
        float[] xn = s.floats(nTok * dim);                // [T × n_embd] normed input of a block
        float[] q = s.floats(nTok * c.qDim());            // [T × n_head·head_dim]
        float[] k = s.floats(nTok * c.kvDim());           // [T × n_head_kv·head_dim]
        float[] v = s.floats(nTok * c.kvDim());           // [T × n_head_kv·head_dim]
        float[] att = s.floats(nTok * c.qDim());          // [T × n_head·head_dim] attention output, heads concatenated
        float[] proj = s.floats(nTok * dim);              // [T × n_embd] attention or FFN output
        float[] gate = s.floats(nTok * c.nFf());          // [T × n_ff]
        float[] up = s.floats(nTok * c.nFf());            // [T × n_ff]
        float[] angles = s.floats(nTok * c.ropeDims());   // [T × n_rot] (cos, sin) per rotated pair

        boolean given = tap.load(x);
        for (Attention.Span span : spans) {
            for (int t = span.row0(); t < span.row0() + span.nTok(); t++) {
                if (!given) {
                    embed(tokens[t], x, t * dim);
                }
                rope.angles(span.startPos() + t - span.row0(), angles, t * c.ropeDims());
            }
        }

        for (int l = tap.from(); l < layers.length; l++) {
            tap.record(l, x, nTok * dim);
            Layer layer = layers[l];
            rmsNormRows(x, layer.attnNorm, xn, nTok);
            multiply(xn, nTok, layer.q.into(q), layer.k.into(k), layer.v.into(v));
            for (int t = 0; t < nTok; t++) {
                for (int h = 0; h < c.nHead(); h++) {
                    int off = t * c.qDim() + h * c.headDim();
                    if (layer.qNorm != null) {
                        Norms.rmsNorm(q, off, layer.qNorm, q, off, c.headDim(), c.rmsEps());
                    }
                    rope.rotate(q, off, angles, t * c.ropeDims());
                }
                for (int h = 0; h < c.nHeadKv(); h++) {
                    int off = t * c.kvDim() + h * c.headDim();
                    if (layer.kNorm != null) {
                        Norms.rmsNorm(k, off, layer.kNorm, k, off, c.headDim(), c.rmsEps());
                    }
                    rope.rotate(k, off, angles, t * c.ropeDims());
                }
            }
            for (Attention.Span span : spans) {
                span.cache().store(l, k, v, span.row0(), span.startPos(), span.nTok());
            }
            Attention.causal(pool, c, q, spans, l, att);
            multiply(att, nTok, layer.o.into(proj));
            add(x, proj, nTok * dim);

            feedForward(layer.ffn, x, nTok, xn, gate, up, proj);
        }

        if (allLogits) {
            return logits(x, nTok, true, xn);
        }
        int[] lastRows = new int[spans.length];
        for (int i = 0; i < spans.length; i++) {
            lastRows[i] = spans[i].row0() + spans[i].nTok() - 1;
        }
        return logits(x, lastRows, xn);
    }

    /** One sequence's batch at positions {@code startPos ..}; logits as {@link #forward(int[], Attention.Span[], boolean, LayerTap)}. */
    private float[] forward(KvCache cache, int[] tokens, int startPos, boolean allLogits, LayerTap tap) {
        return forward(tokens, new Attention.Span[]{new Attention.Span(cache, startPos, 0, tokens.length)}, allLogits, tap);
    }

    @Override
    float[] runFresh(int[] tokens, LayerTap tap) {
        return forward(new KvCache(config.nLayer(), tokens.length, config.kvDim()), tokens, 0, true, tap);
    }

    @Override
    public int layerCount() {
        return layers.length;
    }

    private final class DenseSession extends CachedSession {

        DenseSession(KvCache cache) {
            super(cache);
        }

        @Override
        void rewindTo(int startPos) {
            if (startPos < 0 || startPos > position) {
                throw new IllegalArgumentException("start position " + startPos + " is outside 0.." + position);
            }
            position = startPos;
        }

        @Override
        float[] evaluate(int[] batch, int pos, boolean allLogits) {
            return DenseTransformer.this.forward(cache, batch, pos, allLogits, LayerTap.NONE);
        }

        @Override
        public void reset() {
            position = 0;
        }
    }
}
