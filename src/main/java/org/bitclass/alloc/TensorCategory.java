package org.bitclass.alloc;

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

    public static TensorCategory of(String name) {
        if (name.equals("output.weight")) {
            return OUTPUT;
        }
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            return TOKEN_EMBD;
        }
        if (name.contains("attn_qkv.weight")) {
            return ATTENTION_QKV;
        }
        if (name.contains("attn_kv_b.weight")) {
            return ATTENTION_KV_B;
        }
        if (name.contains("attn_v.weight")) {
            return ATTENTION_V;
        }
        if (name.contains("attn_k.weight")) {
            return ATTENTION_K;
        }
        if (name.contains("attn_q.weight")) {
            return ATTENTION_Q;
        }
        if (name.contains("attn_output.weight")) {
            return ATTENTION_OUTPUT;
        }
        if (name.contains("ffn_up")) {
            return FFN_UP;
        }
        if (name.contains("ffn_gate")) {
            return FFN_GATE;
        }
        if (name.contains("ffn_down")) {
            return FFN_DOWN;
        }
        return OTHER;
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
