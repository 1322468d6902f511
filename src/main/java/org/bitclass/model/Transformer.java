package org.bitclass.model;

import org.bitclass.gguf.GgufModel;
import org.bitclass.model.kernel.ConvertedInputs;
import org.bitclass.model.kernel.MatMul;
import org.bitclass.model.kernel.WeightMatrix;
import org.bitclass.model.kernel.WorkerPool;

import java.util.stream.IntStream;

/**
 * What every architecture's forward pass shares: the mapped file and the worker pool it owns, the token embedding,
 * the output norm and head, the activation observer, and the steps every block repeats (row-wise RMSNorm, batched
 * matrix products that the observer sees, residual adds, the output head). Subclasses hold their layers and
 * write their forward pass with these. A pass takes its buffers from the model's {@link #scratch} and converts
 * its activations into {@link #converted}, both kept from pass to pass: forward passes of one model therefore run
 * one at a time (they hold the model's lock).
 */
abstract class Transformer implements LanguageModel {

    /** A SwiGLU feed-forward block and its pre-norm. */
    record FeedForward(float[] norm, Linear gate, Linear up, Linear down) {

        static FeedForward load(ModelTensors t, String prefix, String normName, int nEmbd, int nFf) {
            return new FeedForward(t.vector(prefix + normName, nEmbd), t.linear(prefix + "ffn_gate", nEmbd, nFf),
                    t.linear(prefix + "ffn_up", nEmbd, nFf), t.linear(prefix + "ffn_down", nFf, nEmbd));
        }
    }

    final GgufModel gguf;
    final WorkerPool pool;
    final WeightMatrix tokenEmbedding;
    private final float[] outputNorm;
    private final Linear output;
    private final int nEmbd;
    private final int nVocab;
    private final int contextLength;
    private final float rmsEps;
    private volatile ActivationObserver observer;
    final Scratch scratch = new Scratch();
    private final ConvertedInputs converted = new ConvertedInputs();

    /** Takes ownership of {@code gguf} and {@code pool}: closing the model closes both. */
    Transformer(GgufModel gguf, WorkerPool pool, ModelTensors tensors, WeightMatrix tokenEmbedding, int nEmbd,
                int nVocab, int contextLength, float rmsEps) {
        this.gguf = gguf;
        this.pool = pool;
        this.tokenEmbedding = tokenEmbedding;
        this.nEmbd = nEmbd;
        this.nVocab = nVocab;
        this.contextLength = contextLength;
        this.rmsEps = rmsEps;
        this.outputNorm = tensors.vector("output_norm.weight", nEmbd);
        this.output = tensors.has("output.weight")
                ? tensors.linear("output", nEmbd, nVocab)
                : new Linear(tokenEmbedding, null);
    }

    @Override
    public int vocabSize() {
        return nVocab;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public void setObserver(ActivationObserver observer) {
        this.observer = observer;
    }

    @Override
    public void close() {
        pool.close();
        gguf.close();
    }

    /** Writes token {@code token}'s embedding row into {@code x[offset..]}, or refuses an id outside the vocabulary. */
    void embed(int token, float[] x, int offset) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + nVocab);
        }
        tokenEmbedding.decodeRows(token, 1, x, offset);
    }

    /** Runs {@code tokens} as one batch of a fresh sequence at position 0 through {@code tap}; all logits. */
    abstract float[] runFresh(int[] tokens, LayerTap tap);

    @Override
    public float[][] blockInputs(int[] tokens) {
        checkOneBatch(tokens);
        float[][] inputs = new float[layerCount()][];
        runFresh(tokens, new LayerTap(0, null, inputs));
        return inputs;
    }

    @Override
    public float[] logitsFrom(int[] tokens, int block, float[] input) {
        checkOneBatch(tokens);
        if (block < 0 || block >= layerCount() || input.length != tokens.length * nEmbd) {
            throw new IllegalArgumentException("block " + block + " with " + input.length + " input values for "
                    + tokens.length + " tokens");
        }
        return runFresh(tokens, new LayerTap(block, input, null));
    }

    private static void checkOneBatch(int[] tokens) {
        if (tokens.length == 0 || tokens.length > Ubatches.MAX_BATCH) {
            throw new IllegalArgumentException("a traced run takes 1 to " + Ubatches.MAX_BATCH + " tokens, got " + tokens.length);
        }
    }

    /** {@code out[r] = RMSNorm(in[r]) ⊙ weight} for each of {@code nRows} rows of {@code n_embd} values. */
    void rmsNormRows(float[] in, float[] weight, float[] out, int nRows) {
        for (int r = 0; r < nRows; r++) {
            Norms.rmsNorm(in, r * nEmbd, weight, out, r * nEmbd, nEmbd, rmsEps);
        }
    }

    /** The products sharing the input {@code x} ({@code [nTok × cols]}), in one parallel job the observer sees. */
    void multiply(float[] x, int nTok, MatMul.Product... products) {
        MatMul.multiply(pool, observer, converted, x, nTok, products);
    }

    /**
     * {@code x += W_down·(silu(W_gate·n) ⊙ W_up·n)} with {@code n = RMSNorm(x)}, in the caller's buffers:
     * {@code xn} and {@code out} {@code [nTok × n_embd]}, {@code gate} and {@code up} {@code [nTok × n_ff]}.
     */
    void feedForward(FeedForward f, float[] x, int nTok, float[] xn, float[] gate, float[] up, float[] out) {
        rmsNormRows(x, f.norm(), xn, nTok);
        multiply(xn, nTok, f.gate().into(gate), f.up().into(up));
        Norms.swiglu(gate, up, nTok * f.gate().w().rows());
        multiply(gate, nTok, f.down().into(out));
        add(x, out, nTok * nEmbd);
    }

    /** The residual add {@code acc[0..n) += x[0..n)}. */
    static void add(float[] acc, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += x[i];
        }
    }

    /**
     * The output head over the final residual stream {@code x} ({@code [nTok × n_embd]}), its normed rows written
     * into {@code normed} (at least as large).
     *
     * @return logits {@code [n_out × n_vocab]}: every token's if {@code allLogits}, else the last token's
     */
    float[] logits(float[] x, int nTok, boolean allLogits, float[] normed) {
        return logits(x, allLogits ? IntStream.range(0, nTok).toArray() : new int[]{nTok - 1}, normed);
    }

    /**
     * The output head over the given rows of the final residual stream: logits {@code [rows × n_vocab]}, a new
     * array the caller keeps. {@code normed} receives the normed rows ({@code [rows × n_embd]}).
     */
    float[] logits(float[] x, int[] rows, float[] normed) {
        int nOut = rows.length;
        for (int i = 0; i < nOut; i++) {
            Norms.rmsNorm(x, rows[i] * nEmbd, outputNorm, normed, i * nEmbd, nEmbd, rmsEps);
        }
        float[] logits = new float[nOut * nVocab];        // [n_out × n_vocab]
        multiply(normed, nOut, output.into(logits));
        return logits;
    }

    /**
     * A sequence with a KV cache: the position bookkeeping and the batch checks every architecture's session
     * shares. A forward call checks the batch, lets the session go back to its start position, and evaluates it
     * in ubatches.
     */
    abstract class CachedSession implements Session {
        final KvCache cache;
        int position;

        CachedSession(KvCache cache) {
            this.cache = cache;
        }

        /** Makes the session continue from {@code startPos}, or refuses with a clear message. */
        abstract void rewindTo(int startPos);

        /** Evaluates one ubatch at positions {@code pos ..}; logits as {@link Ubatches.BatchForward} returns them. */
        abstract float[] evaluate(int[] batch, int pos, boolean allLogits);

        @Override
        public final float[] forward(int[] tokens, int startPos, Outputs outputs) {
            prepare(tokens.length, startPos);
            float[] logits = Ubatches.forward(tokens, startPos, outputs == Outputs.ALL, nVocab, this::evaluate);
            position = startPos + tokens.length;
            return logits;
        }

        /** Checks that {@code nTok} tokens fit from {@code startPos} on and goes back to it. */
        final void prepare(int nTok, int startPos) {
            if (nTok == 0) {
                throw new IllegalArgumentException("no tokens to evaluate");
            }
            if (startPos + nTok > cache.capacity) {
                throw new IllegalArgumentException("context full: " + startPos + " + " + nTok
                        + " tokens exceed the session's " + cache.capacity);
            }
            rewindTo(startPos);
        }

        /** The model this session belongs to. */
        final Transformer model() {
            return Transformer.this;
        }

        @Override
        public int position() {
            return position;
        }

        @Override
        public int capacity() {
            return cache.capacity;
        }
    }
}
