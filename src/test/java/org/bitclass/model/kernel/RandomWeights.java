package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Test helper: random quantized weights and activations, each with a few large values as real models have. */
final class RandomWeights {

    private RandomWeights() {
    }

    /** {@code rows × cols} gaussian weights, every 37th column six times larger, quantized to {@code type}. */
    static MemorySegment quantized(GgmlType type, int rows, int cols, SplittableRandom r, Arena arena) {
        QuantCodec codec = QuantRegistry.codec(type);
        MemorySegment data = arena.allocate(type.bytesFor((long) rows * cols));
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (r.nextGaussian() * (j % 37 == 0 ? 6 : 1));
            }
            codec.quantizeRow(row, 0, cols, null, data, i * type.bytesFor(cols));
        }
        return data;
    }

    /** {@code n} gaussian activations, every 53rd ten times larger. */
    static float[] activations(int n, SplittableRandom r) {
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * (i % 53 == 0 ? 10 : 1));
        }
        return x;
    }
}
