package org.bitclass.alloc;

/**
 * What one tensor's error costs the model, from two sources.
 *
 * @param name       the tensor
 * @param layer      its block, or -1 outside the blocks
 * @param role       its name within the block ({@code attn_v}, {@code ssm_out}, …)
 * @param hessian    the Hessian-diagonal figure {@code Σ_ij H_jj·w_ij²} of {@code bitclass sensitivity} (0 when the
 *                   imatrix has no entry for the tensor)
 * @param probeType  the type the tensor was quantized to, alone, for the measurement
 * @param probeError the relative weighted error of that quantization (see {@link TypeOption})
 * @param probeKld   the mean KL divergence of the model with only this tensor so quantized, on the calibration tokens
 */
public record TensorProbe(String name, int layer, String role, double hessian, String probeType, double probeError,
                          double probeKld) {

    /** Predicted mean KLD per unit of relative error: the model's price of this tensor's error. */
    public double slope() {
        return probeError > 0 ? probeKld / probeError : 0;
    }
}
