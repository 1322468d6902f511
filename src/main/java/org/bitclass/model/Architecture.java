package org.bitclass.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The architectures the engine runs, with what sets them apart (see spec §9). */
public enum Architecture {
    /** Adjacent-pair RoPE (the converter permuted q and k rows to make that equal to HF's rotate-half). */
    LLAMA("llama", Rope.Style.ADJACENT_PAIRS, false),
    /** NeoX RoPE; q, k and v usually carry biases. */
    QWEN2("qwen2", Rope.Style.HALVES, false),
    /** NeoX RoPE with a per-head RMSNorm of q and k before it. */
    QWEN3("qwen3", Rope.Style.HALVES, true),
    /** Qwen3.5 hybrid: Gated DeltaNet layers and gated full attention ({@link Qwen35Transformer}). */
    QWEN35("qwen35", Rope.Style.HALVES, true);

    final String ggufName;
    final Rope.Style ropeStyle;
    final boolean qkNorm;

    Architecture(String ggufName, Rope.Style ropeStyle, boolean qkNorm) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.qkNorm = qkNorm;
    }

    /** The GGUF name ({@code general.architecture}), which is also the prefix of its metadata keys. */
    public String ggufName() {
        return ggufName;
    }

    public static Architecture of(String ggufName) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(ggufName)) {
                return a;
            }
        }
        throw new UnsupportedOperationException("architecture '" + ggufName + "' is not supported (supported: "
                + Arrays.stream(values()).map(a -> a.ggufName).collect(Collectors.joining(", ")) + ")");
    }
}
