package org.bitclass.calib;

/**
 * Sums of {@link TensorSensitivity} over a group of tensors: one layer ({@code blk.N}) or one role (e.g. every
 * {@code ffn_down}).
 *
 * @param key                  the layer index as text ("3") or the role ("ffn_down")
 * @param columns              input columns over the group's matrices
 * @param hTotal               {@code Σ H_jj} over the group
 * @param hMean                {@code hTotal / columns}
 * @param sensitivity          the sum of the tensors' sensitivities
 * @param sensitivityPerWeight {@code sensitivity / params}
 * @param share                the group's part of the model's total sensitivity
 */
public record GroupSensitivity(String key, int tensors, long params, long columns, double hTotal, double hMean,
                               double sensitivity, double sensitivityPerWeight, double share) {
}
