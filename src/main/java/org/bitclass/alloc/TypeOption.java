package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;

/**
 * One way to store a tensor: its type, the bytes it then takes in the file (padded to the GGUF alignment) and the
 * relative importance-weighted squared error of that quantization, {@code Σ_ij a_j (w_ij − ŵ_ij)² / Σ_ij a_j w_ij²}
 * with {@code a_j} the imatrix's mean squared activation of column j.
 */
public record TypeOption(GgmlType type, long bytes, double error) {
}
