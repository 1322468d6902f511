package org.bitclass.model;

/** Element-wise pieces of the forward pass, with llama.cpp's CPU numerics. */
final class Norms {

    private Norms() {
    }

    /**
     * out = x / sqrt(mean(x²) + ε) ⊙ w over {@code n} values. As ggml does: the squares are summed in double,
     * then mean and scale are rounded to float.
     */
    static void rmsNorm(float[] x, int xOff, float[] w, float[] out, int outOff, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            sum += xi * xi;
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * scale * w[i];
        }
    }

    /** gate[i] = silu(gate[i]) · up[i], with silu(x) = x / (1 + e^(−x)). */
    static void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }
}
