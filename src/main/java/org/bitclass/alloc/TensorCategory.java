package org.bitclass.alloc;

import java.util.List;
import java.util.Map;

/**
 * The broad role llama-quantize's stock recipes give a tensor by its name ({@code tensor_get_category} in
 * llama.cpp's {@code src/llama-quant.cpp}). The name fragments are tested in a fixed order, so a fused
 * {@code attn_qkv} is never an {@code attn_v} by accident and {@code ffn_up}/{@code ffn_gate}/{@code ffn_down}
 * also catch their expert and shared-expert variants ({@code ffn_down_exps}, {@code ffn_down_shexp}).
 */
public enum TensorCategory {
    TOKEN_EMBD,
    ATTENTION_Q,
    ATTENTION_V,
    ATTENTION_K,
    ATTENTION_QKV,
    ATTENTION_KV_B,
    ATTENTION_OUTPUT,
    FFN_UP,
    FFN_GATE,
    FFN_DOWN,
    OUTPUT,
    OTHER;

    /** Name fragments in the order llama.cpp tests them; the first one found in the name decides. */
    private static final List<Map.Entry<String, TensorCategory>> BY_FRAGMENT = List.of(
            Map.entry("attn_qkv.weight", ATTENTION_QKV),
            Map.entry("attn_kv_b.weight", ATTENTION_KV_B),
            Map.entry("attn_v.weight", ATTENTION_V),
            Map.entry("attn_k.weight", ATTENTION_K),
            Map.entry("attn_q.weight", ATTENTION_Q),
            Map.entry("attn_output.weight", ATTENTION_OUTPUT),
            Map.entry("ffn_up", FFN_UP),
            Map.entry("ffn_gate", FFN_GATE),
            Map.entry("ffn_down", FFN_DOWN));

    public static TensorCategory of(String name) {
        if (name.equals("output.weight")) {
            return OUTPUT;
        }
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            return TOKEN_EMBD;
        }
        return BY_FRAGMENT.stream().filter(e -> name.contains(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(OTHER);
    }

    /**
     * Whether the recipes treat the tensor as a value projection: attn_v, and also the fused attn_qkv and
     * MLA's attn_kv_b. They share one counter, so in a hybrid model (Qwen3.5) the DeltaNet layers' attn_qkv
     * and the attention layers' attn_v are numbered together in visiting order.
     */
    public boolean isAttentionV() {
        return this == ATTENTION_V || this == ATTENTION_QKV || this == ATTENTION_KV_B;
    }
}
