package org.bitclass.model;

import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufValueType;

import java.util.Arrays;

/**
 * The hyperparameters of a {@code qwen35} model (Qwen3.5: Gated DeltaNet layers with a gated full-attention layer
 * every few layers), read from the {@code qwen35.*} keys as llama.cpp's {@code llama_model_qwen35::load_arch_hparams}
 * and the generic loader read them (spec §1).
 *
 * @param nLayer        layers of the main stack ({@code block_count − nextn_predict_layers})
 * @param nLayerNextn   multi-token-prediction blocks stored after the main stack (loaded, never run)
 * @param headDim       values per full-attention head for q, k and v ({@code attention.key_length})
 * @param ropeDims      rotated values per attention head ({@code rope.dimension_count})
 * @param ropeSections  interleaved M-RoPE sections {@code [t, h, w, e]} in rotated pairs
 * @param convKernel    taps of the DeltaNet's causal depthwise convolution
 * @param stateSize     DeltaNet head size, for keys and values alike ({@code d_k = d_v})
 * @param keyHeads      DeltaNet query/key heads {@code H_k}
 * @param valueHeads    DeltaNet value heads {@code H_v}, a multiple of {@code H_k}
 * @param recurrent     per main layer: Gated DeltaNet (true) or full attention (false)
 */
public record Qwen35Config(int nEmbd, int nLayer, int nLayerNextn, int nFf, int nHead, int nHeadKv, int headDim,
                           int ropeDims, int[] ropeSections, float ropeFreqBase, RopeScaling ropeScaling, float rmsEps,
                           int contextLength, int nVocab, int convKernel, int stateSize, int keyHeads,
                           int valueHeads, boolean[] recurrent) {

    private static final String P = "qwen35.";

    public static Qwen35Config read(GgufMetadata md, int nVocab) {
        int nEmbd = md.getInt(P + "embedding_length");
        int nLayerAll = md.getInt(P + "block_count");
        int nNextn = md.getInt(P + "nextn_predict_layers", 0);
        if (nNextn < 0 || nNextn >= nLayerAll) {
            throw new IllegalArgumentException(P + "nextn_predict_layers " + nNextn + " must be below block_count " + nLayerAll);
        }
        int nLayer = nLayerAll - nNextn;
        int nHead = ModelConfig.uniform(md, P + "attention.head_count", nLayerAll, 0);
        if (nHead <= 0) {
            throw new IllegalArgumentException(P + "attention.head_count is missing or zero");
        }
        int nHeadKv = ModelConfig.uniform(md, P + "attention.head_count_kv", nLayerAll, nHead);
        int headDim = md.getInt(P + "attention.key_length", nEmbd / nHead);
        int headDimV = md.getInt(P + "attention.value_length", nEmbd / nHead);
        require(headDimV == headDim, "attention.key_length " + headDim + " differs from value_length " + headDimV);
        require(nHeadKv > 0 && nHead % nHeadKv == 0, "head_count " + nHead + " is not a multiple of head_count_kv " + nHeadKv);
        int ropeDims = md.getInt(P + "rope.dimension_count", headDim);
        require(ropeDims > 0 && ropeDims % 2 == 0 && ropeDims <= headDim,
                "rope.dimension_count " + ropeDims + " must be even and at most the head size " + headDim);
        int[] sections = intsOrScalar(md, P + "rope.dimension_sections", 4);
        require(Arrays.stream(sections).allMatch(s -> s >= 0) && Arrays.stream(sections).sum() > 0,
                "rope.dimension_sections " + Arrays.toString(sections) + " must be non-negative, not all zero");

        int convKernel = md.getInt(P + "ssm.conv_kernel");
        int stateSize = md.getInt(P + "ssm.state_size");
        int keyHeads = md.getInt(P + "ssm.group_count");
        int valueHeads = md.getInt(P + "ssm.time_step_rank");
        int innerSize = md.getInt(P + "ssm.inner_size");
        require(convKernel > 0 && stateSize > 0 && keyHeads > 0 && valueHeads > 0, "DeltaNet sizes must be positive");
        require(innerSize == stateSize * valueHeads, "ssm.inner_size " + innerSize + " is not ssm.state_size "
                + stateSize + " × ssm.time_step_rank " + valueHeads);
        require(valueHeads % keyHeads == 0, "DeltaNet value heads " + valueHeads + " are not a multiple of key heads " + keyHeads);

        int contextLength = md.getInt(P + "context_length");
        return new Qwen35Config(nEmbd, nLayer, nNextn, ModelConfig.uniform(md, P + "feed_forward_length", nLayerAll, 0),
                nHead, nHeadKv, headDim, ropeDims, sections, md.getFloat(P + "rope.freq_base", 10000f),
                RopeScaling.read(md, P, contextLength), md.getFloat(P + "attention.layer_norm_rms_epsilon"),
                contextLength, nVocab, convKernel, stateSize, keyHeads, valueHeads, recurrentLayers(md, nLayerAll, nLayer));
    }

    /**
     * An explicit {@code attention.recurrent_layers} flag per layer wins; otherwise every
     * {@code full_attention_interval}-th layer (default 4) is full attention and the rest are DeltaNet.
     */
    private static boolean[] recurrentLayers(GgufMetadata md, int nLayerAll, int nLayer) {
        boolean[] recurrent = new boolean[nLayer];
        if (md.contains(P + "attention.recurrent_layers")) {
            int[] flags = intsOrScalar(md, P + "attention.recurrent_layers", nLayerAll);
            for (int i = 0; i < nLayer; i++) {
                recurrent[i] = flags[i] != 0;
            }
            return recurrent;
        }
        int interval = md.getInt(P + "full_attention_interval", 4);
        require(interval > 0, "full_attention_interval must be positive, got " + interval);
        for (int i = 0; i < nLayer; i++) {
            recurrent[i] = (i + 1) % interval != 0;
        }
        return recurrent;
    }

    /** A key holding an array of exactly {@code n} integers or one scalar that stands for all of them. */
    private static int[] intsOrScalar(GgufMetadata md, String key, int n) {
        GgufValue v = md.get(key);
        if (v.type() != GgufValueType.ARRAY) {
            int[] all = new int[n];
            Arrays.fill(all, Math.toIntExact(v.asLong()));
            return all;
        }
        long[] values = v.asArray().longs();
        require(values.length == n, key + " has " + values.length + " entries, expected " + n);
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("qwen35: " + message);
        }
    }

    /** Width of one DeltaNet key (or query) projection, {@code H_k·d_k}. */
    public int keyDim() {
        return keyHeads * stateSize;
    }

    /** Width of the DeltaNet value projection, {@code H_v·d_v} ({@code ssm.inner_size}). */
    public int valueDim() {
        return valueHeads * stateSize;
    }

    /** Channels of the DeltaNet convolution: q, k and v side by side. */
    public int convDim() {
        return 2 * keyDim() + valueDim();
    }

    public int qDim() {
        return nHead * headDim;
    }

    public int kvDim() {
        return nHeadKv * headDim;
    }

    public int attentionLayers() {
        int n = 0;
        for (boolean r : recurrent) {
            n += r ? 0 : 1;
        }
        return n;
    }

    /**
     * The full-attention layers' shape in the dense engine's terms, so they can share its {@link Attention} and
     * {@link KvCache} (its RoPE fields are informational: qwen35 rotates with {@link MultiSectionRope}).
     */
    ModelConfig attentionShape() {
        return new ModelConfig(Architecture.QWEN35, nEmbd, attentionLayers(), nFf, nHead, nHeadKv, headDim, ropeDims,
                ropeFreqBase, ropeScaling, rmsEps, contextLength, nVocab);
    }
}
