package org.bitclass.model.synth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The dimensions of a synthetic model. Presets mirror real models so that benchmarks and scale tests see real
 * shapes; any field can be overridden. DeltaNet fields only matter for {@code qwen35}.
 *
 * @param ropeSections  qwen35's M-RoPE sections (4 entries)
 * @param ssmState      DeltaNet head size d_k = d_v
 * @param ssmGroups     DeltaNet key heads H_k
 * @param ssmValueHeads DeltaNet value heads H_v (a multiple of H_k)
 * @param attnInterval  every attnInterval-th layer is full attention
 */
public record SynthSpec(String arch, int nEmbd, int nLayer, int nFf, int nHead, int nHeadKv, int headDim, int vocab,
                        boolean tied, float ropeBase, int contextLength, int ropeDims, int[] ropeSections,
                        int ssmState, int ssmGroups, int ssmValueHeads, int convKernel, int attnInterval) {

    public static final Map<String, SynthSpec> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("qwen3-0.6b", dense("qwen3", 1024, 28, 3072, 16, 8, 128, 151936, true, 1e6f));
        PRESETS.put("qwen3-1.7b", dense("qwen3", 2048, 28, 6144, 16, 8, 128, 151936, true, 1e6f));
        PRESETS.put("qwen3-4b", dense("qwen3", 2560, 36, 9728, 32, 8, 128, 151936, true, 1e6f));
        PRESETS.put("qwen2.5-0.5b", dense("qwen2", 896, 24, 4864, 14, 2, 64, 151936, true, 1e6f));
        PRESETS.put("llama-3.2-1b", dense("llama", 2048, 16, 8192, 32, 8, 64, 128256, true, 5e5f));
        PRESETS.put("qwen3.5-4b", new SynthSpec("qwen35", 2560, 32, 9216, 16, 4, 256, 248320, true, 1e7f, 262144,
                64, new int[]{11, 11, 10, 0}, 128, 16, 32, 4, 4));
        PRESETS.put("qwen3.5-mini", new SynthSpec("qwen35", 256, 8, 768, 4, 2, 64, 4101, true, 1e7f, 4096,
                16, new int[]{3, 3, 2, 0}, 64, 2, 4, 4, 4));
    }

    private static SynthSpec dense(String arch, int nEmbd, int nLayer, int nFf, int nHead, int nHeadKv, int headDim,
                                   int vocab, boolean tied, float ropeBase) {
        return new SynthSpec(arch, nEmbd, nLayer, nFf, nHead, nHeadKv, headDim, vocab, tied, ropeBase, 40960,
                headDim, new int[4], 0, 0, 0, 0, 0);
    }

    public static SynthSpec preset(String name) {
        SynthSpec s = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; presets: " + String.join(", ", PRESETS.keySet()));
        }
        return s;
    }

    /** Whether layer {@code i} is a Gated DeltaNet layer (qwen35's interval rule). */
    public boolean isRecurrent(int i) {
        return arch.equals("qwen35") && (i + 1) % attnInterval != 0;
    }

    public SynthSpec withLayers(int n) {
        return new SynthSpec(arch, nEmbd, n, nFf, nHead, nHeadKv, headDim, vocab, tied, ropeBase, contextLength,
                ropeDims, ropeSections, ssmState, ssmGroups, ssmValueHeads, convKernel, attnInterval);
    }

    public SynthSpec withVocab(int n) {
        return new SynthSpec(arch, nEmbd, nLayer, nFf, nHead, nHeadKv, headDim, n, tied, ropeBase, contextLength,
                ropeDims, ropeSections, ssmState, ssmGroups, ssmValueHeads, convKernel, attnInterval);
    }

    public SynthSpec withTied(boolean t) {
        return new SynthSpec(arch, nEmbd, nLayer, nFf, nHead, nHeadKv, headDim, vocab, t, ropeBase, contextLength,
                ropeDims, ropeSections, ssmState, ssmGroups, ssmValueHeads, convKernel, attnInterval);
    }

    public SynthSpec withDeltaNet(int state, int groups, int valueHeads) {
        return new SynthSpec(arch, nEmbd, nLayer, nFf, nHead, nHeadKv, headDim, vocab, tied, ropeBase, contextLength,
                ropeDims, ropeSections, state, groups, valueHeads, convKernel, attnInterval);
    }

    public void validate() {
        require(nEmbd > 0 && nLayer > 0 && nFf > 0 && nHead > 0 && nHeadKv > 0 && headDim > 0 && vocab > 0,
                "every dimension must be positive");
        require(nHead % nHeadKv == 0, "head count " + nHead + " must be a multiple of the KV head count " + nHeadKv);
        if (arch.equals("qwen35")) {
            require(ssmGroups > 0 && ssmValueHeads % ssmGroups == 0,
                    "DeltaNet value heads " + ssmValueHeads + " must be a multiple of key heads " + ssmGroups);
            require(ropeSections.length == 4 && ropeDims <= headDim && ropeDims % 2 == 0, "bad rope dims/sections");
            require(attnInterval > 0 && convKernel > 0 && ssmState > 0, "bad DeltaNet dimensions");
        } else {
            require(headDim % 2 == 0, "head dim must be even for RoPE");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
