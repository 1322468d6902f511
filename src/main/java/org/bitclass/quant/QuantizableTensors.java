package org.bitclass.quant;

import org.bitclass.gguf.TensorInfo;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama-quantize's rules for which tensors may change type and in which order it writes them. Only weight
 * matrices (2-D or 3-D, names ending in "weight") are quantized; norms, convolution kernels, positional tables
 * and similar small or precision-critical tensors keep their type.
 */
public final class QuantizableTensors {

    /** Name fragments llama.cpp never quantizes (from its tensor_allows_quantization). */
    private static final List<String> NEVER = List.of("_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight",
            "altup", "laurel", "per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight",
            "indexer.k_proj.weight", "indexer.q_proj.weight", "time_mix_first.weight", "time_mix_w0.weight",
            "time_mix_w1.weight", "time_mix_w2.weight", "time_mix_v0.weight", "time_mix_v1.weight",
            "time_mix_v2.weight", "time_mix_a0.weight", "time_mix_a1.weight", "time_mix_a2.weight",
            "time_mix_g1.weight", "time_mix_g2.weight", "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
            "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.",
            "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd");

    private static final List<String> NEVER_EXACT = List.of("position_embd.weight", "token_types.weight");

    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.");

    /** llama.cpp's write order: tensors outside blocks first, then by block number; by name within each. */
    public static final Comparator<TensorInfo> LLAMA_ORDER = Comparator.<TensorInfo>comparingInt(t -> layerOf(t.name()))
            .thenComparing(TensorInfo::name);

    private QuantizableTensors() {
    }

    public static boolean allowsQuantization(TensorInfo t) {
        String name = t.name();
        if (ggmlDims(t) < 2 || !name.endsWith("weight") || NEVER_EXACT.contains(name)) {
            return false;
        }
        return NEVER.stream().noneMatch(name::contains);
    }

    /** Dimensions as ggml counts them ({@code ggml_n_dims}): trailing dimensions of size 1 do not count. */
    static int ggmlDims(TensorInfo t) {
        int n = t.nDims();
        while (n > 1 && t.dim(n - 1) == 1) {
            n--;
        }
        return n;
    }

    /** The block number of a {@code blk.N.} tensor, or -1 for tensors outside the blocks. */
    public static int layerOf(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
