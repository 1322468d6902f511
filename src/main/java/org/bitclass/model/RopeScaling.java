package org.bitclass.model;

import org.bitclass.gguf.GgufMetadata;

/**
 * RoPE context-extension settings, derived from the GGUF keys the way llama.cpp's context constructor does
 * (src/llama-context.cpp): no scaling keys means {@code freqScale = 1}, {@code extFactor = 0}, {@code attnFactor = 1}.
 *
 * @param freqScale       angle multiplier (1 / scaling factor)
 * @param extFactor       YaRN extrapolation mix (1 for YaRN, else 0)
 * @param attnFactor      magnitude multiplier of cos and sin
 * @param originalContext training context the YaRN correction dims are computed for
 */
public record RopeScaling(float freqScale, float extFactor, float attnFactor, float betaFast, float betaSlow,
                   int originalContext) {

    public static RopeScaling read(GgufMetadata md, String prefix, int contextLength) {
        String type = md.getString(prefix + "rope.scaling.type", "linear");
        float factor = md.getFloat(prefix + "rope.scaling.factor", md.getFloat(prefix + "rope.scale_linear", 0));
        float freqScale = switch (type) {
            case "none" -> 1;
            case "linear", "yarn" -> factor == 0 ? 1 : 1 / factor;
            default -> throw new UnsupportedOperationException("rope scaling type '" + type
                    + "' is not supported (supported: none, linear, yarn)");
        };
        float extFactor = type.equals("yarn") ? 1 : 0;
        float attnFactor = 1;
        if (extFactor != 0) {
            float f = 1 / freqScale;
            float mscale = f <= 1 ? 1 : 0.1f * (float) Math.log(f) + 1;
            // ggml's rope multiplies by (1 + 0.1·ln f) again; llama.cpp divides it out here
            attnFactor = mscale / (1 + 0.1f * (float) Math.log(f));
        }
        attnFactor *= md.getFloat(prefix + "rope.scaling.attn_factor", 1);
        int original = md.getInt(prefix + "rope.scaling.original_context_length", contextLength);
        return new RopeScaling(freqScale, extFactor, attnFactor, 32, 1, original);
    }
}
