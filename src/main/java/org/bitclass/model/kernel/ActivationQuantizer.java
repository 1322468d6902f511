package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.Q8KCodec;

/**
 * The activation quantization llama.cpp's CPU backend applies before a quantized dot product: the input row is
 * quantized to the weight type's {@code vec_dot_type} (ggml-cpu.c type_traits_cpu), blocks of integer levels with
 * one float scale each. Q8_0 and Q8_1 follow the x86 AVX/AVX2 quantizer (ggml-cpu/arch/x86/quants.c, which rounds
 * ties to even and scales by 127/max), not the reference one; Q8_K follows quantize_row_q8_K_ref, which x86 uses as
 * is, and which the quant package implements ({@link Q8KCodec#quantizeBlock}).
 */
enum ActivationQuantizer {
    Q8_0(32) {
        @Override
        float quantizeBlock(float[] x, int off, byte[] levels) {
            float max = 0;
            for (int i = 0; i < blockSize; i++) {
                max = Math.max(max, Math.abs(x[off + i]));
            }
            float id = max != 0 ? 127f / max : 0;
            for (int i = 0; i < blockSize; i++) {
                levels[i] = (byte) Math.rint(x[off + i] * id);
            }
            return Float.float16ToFloat(Float.floatToFloat16(max / 127f));
        }
    },
    Q8_K(256) {
        @Override
        float quantizeBlock(float[] x, int off, byte[] levels) {
            return Q8KCodec.quantizeBlock(x, off, levels, 0, new short[16], 0);
        }
    };

    final int blockSize;

    ActivationQuantizer(int blockSize) {
        this.blockSize = blockSize;
    }

    /** Quantizes one block of {@code x[off..]} into {@code levels[0..blockSize)}; returns the block's scale. */
    abstract float quantizeBlock(float[] x, int off, byte[] levels);

    /** The values the quantized {@code x[0..n)} stand for ({@code d·q}), for float dot products, into {@code out}. */
    float[] round(float[] x, int n, float[] out) {
        byte[] levels = new byte[blockSize];
        for (int off = 0; off < n; off += blockSize) {
            float d = quantizeBlock(x, off, levels);
            for (int i = 0; i < blockSize; i++) {
                out[off + i] = d * levels[i];
            }
        }
        return out;
    }

    /**
     * The partner format of a quantized weight type. Q8_1 (for Q4_1, Q5_1) carries the same quantized values as
     * Q8_0; its extra block sum only changes how the offset term is rounded.
     */
    static ActivationQuantizer forWeights(GgmlType type) {
        return switch (type) {
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, IQ4_NL, MXFP4, NVFP4, Q1_0, Q2_0 -> Q8_0;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ3_S, IQ2_S, IQ4_XS, IQ1_M,
                 TQ1_0, TQ2_0 -> Q8_K;
            default -> throw new IllegalArgumentException(type + " is not a quantized weight type");
        };
    }
}
