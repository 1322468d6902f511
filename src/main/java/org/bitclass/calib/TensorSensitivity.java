package org.bitclass.calib;

/**
 * The Hessian-diagonal statistics of one weight tensor {@code W} ({@code rows × cols}, or several such matrices
 * for experts) whose inputs {@code x} were calibrated. {@code H_jj = E[x_j²]} is the imatrix's per-column mean.
 *
 * @param layer                the block index, or -1 for tensors outside the blocks (the output head)
 * @param role                 the name without {@code blk.N.} and {@code .weight}, e.g. {@code attn_q}
 * @param params               weights in the tensor ({@code rows · cols · matrices})
 * @param tokens               calibration rows behind the statistics (0 when unknown, for legacy imatrix data)
 * @param columns              input columns with data ({@code cols} per matrix that saw calibration rows)
 * @param hTotal               {@code Σ_j H_jj} over those columns
 * @param hMean                {@code hTotal / columns}
 * @param hMax                 the largest {@code H_jj}
 * @param weightSquares        {@code Σ_ij w_ij²}
 * @param sensitivity          {@code Σ_ij H_jj · w_ij²}: the expected squared output error per token when every
 *                             weight gets independent noise of unit relative variance (see docs/sensitivity.md)
 * @param sensitivityPerWeight {@code sensitivity / params}
 * @param share                this tensor's part of the model's total sensitivity
 */
public record TensorSensitivity(String name, int layer, String role, String type, int cols, int rows, int matrices,
                                long params, long tokens, long columns, double hTotal, double hMean, double hMax,
                                double weightSquares, double sensitivity, double sensitivityPerWeight, double share) {
}
