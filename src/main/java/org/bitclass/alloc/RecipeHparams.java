package org.bitclass.alloc;

import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufValueType;

/**
 * The few hyperparameters llama-quantize's stock recipes look at besides tensor names and shapes.
 *
 * @param arch    {@code general.architecture} ({@code falcon} has rules of its own)
 * @param nLayer  {@code block_count}: the layer count of the ffn_down rules
 * @param nHead   attention heads of layer 0 (llama.cpp's {@code n_gqa()} reads layer 0 only)
 * @param nHeadKv key/value heads of layer 0; a value of 0 makes {@link #nGqa()} 0
 * @param nExpert {@code expert_count}, 0 for dense models
 */
public record RecipeHparams(String arch, int nLayer, int nHead, int nHeadKv, int nExpert) {

    /** Reads them as llama.cpp's model loader does: per-layer arrays give their first entry, head_count_kv defaults to head_count. */
    public static RecipeHparams read(GgufMetadata md) {
        String arch = md.architecture();
        String p = arch + ".";
        int nHead = firstLayer(md, p + "attention.head_count", 0);
        return new RecipeHparams(arch, md.getInt(p + "block_count"), nHead,
                firstLayer(md, p + "attention.head_count_kv", nHead), md.getInt(p + "expert_count", 0));
    }

    private static int firstLayer(GgufMetadata md, String key, int fallback) {
        if (!md.contains(key)) {
            return fallback;
        }
        GgufValue v = md.get(key);
        if (v.type() != GgufValueType.ARRAY) {
            return Math.toIntExact(v.asLong());
        }
        long[] values = v.asArray().longs();
        return values.length == 0 ? fallback : Math.toIntExact(values[0]);
    }

    /** Query heads per key/value head ({@code hparams.n_gqa()}), 0 when there are no key/value heads. */
    public int nGqa() {
        return nHeadKv == 0 ? 0 : nHead / nHeadKv;
    }

    public boolean isFalcon() {
        return arch.equals("falcon");
    }

    /**
     * Whether llama.cpp labels the model {@code LLM_TYPE_70B} (its attn_v gets Q5_K instead of Q3_K/Q4_K):
     * 80-layer llama (grouped-query attention, not the 8-expert models), qwen2, olmo and deci; 68-layer jais2.
     */
    public boolean is70B() {
        return switch (arch) {
            case "llama" -> nExpert != 8 && nLayer == 80 && nHead != nHeadKv;
            case "qwen2", "olmo", "deci" -> nLayer == 80;
            case "jais2" -> nLayer == 68;
            default -> false;
        };
    }
}
