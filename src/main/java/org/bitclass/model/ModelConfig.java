package org.bitclass.model;

import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufValueType;

/**
 * The hyperparameters of a dense transformer, read from the GGUF keys {@code <arch>.*} the way llama.cpp's
 * {@code llama_model_base::load_hparams} reads them (defaults included).
 *
 * @param headDim  values per attention head for q, k and v ({@code attention.key_length})
 * @param ropeDims rotated values per head ({@code rope.dimension_count})
 */
public record ModelConfig(Architecture architecture, int nEmbd, int nLayer, int nFf, int nHead, int nHeadKv,
                          int headDim, int ropeDims, float ropeFreqBase, RopeScaling ropeScaling, float rmsEps,
                          int contextLength, int nVocab) {

    public static ModelConfig read(GgufMetadata md, int nVocab) {
        Architecture arch = Architecture.of(md.architecture());
        String p = arch.ggufName() + ".";
        int nEmbd = md.getInt(p + "embedding_length");
        int nLayer = md.getInt(p + "block_count");
        int nHead = uniform(md, p + "attention.head_count", nLayer, 0);
        if (nHead <= 0) {
            throw new IllegalArgumentException(p + "attention.head_count is missing or zero");
        }
        int nHeadKv = uniform(md, p + "attention.head_count_kv", nLayer, nHead);
        int headDim = md.getInt(p + "attention.key_length", nEmbd / nHead);
        int headDimV = md.getInt(p + "attention.value_length", nEmbd / nHead);
        int ropeDims = md.getInt(p + "rope.dimension_count", headDim);
        if (headDimV != headDim || ropeDims != headDim) {
            throw new IllegalArgumentException(arch.ggufName() + " needs key_length = value_length = rope.dimension_count, got "
                    + headDim + ", " + headDimV + ", " + ropeDims);
        }
        if (nHead % nHeadKv != 0) {
            throw new IllegalArgumentException("head_count " + nHead + " is not a multiple of head_count_kv " + nHeadKv);
        }
        int contextLength = md.getInt(p + "context_length");
        return new ModelConfig(arch, nEmbd, nLayer, uniform(md, p + "feed_forward_length", nLayer, 0),
                nHead, nHeadKv, headDim, ropeDims, md.getFloat(p + "rope.freq_base", 10000f),
                RopeScaling.read(md, p, contextLength), md.getFloat(p + "attention.layer_norm_rms_epsilon"),
                contextLength, nVocab);
    }

    /** A key that may be a scalar or a per-layer array; per-layer values must all be equal here. */
    static int uniform(GgufMetadata md, String key, int nLayer, int fallback) {
        if (!md.contains(key)) {
            return fallback;
        }
        GgufValue v = md.get(key);
        if (v.type() != GgufValueType.ARRAY) {
            return Math.toIntExact(v.asLong());
        }
        long[] values = v.asArray().longs();
        if (values.length != nLayer) {
            throw new IllegalArgumentException(key + " has " + values.length + " entries for " + nLayer + " layers");
        }
        for (long x : values) {
            if (x != values[0]) {
                throw new UnsupportedOperationException(key + " differs between layers, which is not supported");
            }
        }
        return Math.toIntExact(values[0]);
    }

    /** Key and value width of one token in one layer's cache. */
    public int kvDim() {
        return nHeadKv * headDim;
    }

    public int qDim() {
        return nHead * headDim;
    }
}
