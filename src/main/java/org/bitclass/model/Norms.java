package org.bitclass.model;

import org.bitclass.model.kernel.FloatKernels;

import jdk.incubator.vector.FloatVector;

import static org.bitclass.model.kernel.FloatKernels.F;
import static org.bitclass.model.kernel.FloatKernels.LANES;

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

    /** gate[i] = silu(gate[i]) · up[i], with silu(x) = x / (1 + e^(−x)); exponentials by {@link FloatKernels#exp}. */
    static void swiglu(float[] gate, float[] up, int n) {
        int vn = F.loopBound(n);
        for (int i = 0; i < vn; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            FloatVector e = FloatKernels.exp(g.neg());
            g.div(e.add(1.0f)).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (int i = vn; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }
}
