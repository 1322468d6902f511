package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IQ4_XS times Q8_K as ggml_vec_dot_iq4_xs_q8_K on AVX2: codebook levels, a 6-bit scale (minus 32) per sub-block
 * of 32, lane sums scaled and added in integers over the super-block, then {@code d_w·d_x} and lane-wise
 * accumulation with a final {@code hsum_float_8}: the default combination of {@link IntegerDotMatrix}. Levels are
 * decoded times their sub-block scale, so lane sums stay below 4·127·32·127·8 &lt; 2^24 and are exact.
 */
final class IQ4XSDotMatrix extends IntegerDotMatrix {

    private static final int SCALES_HIGH = 2;
    private static final int SCALES_LOW = 4;
    private static final int QS = 8;

    private static final VectorSpecies<Integer> HALF_INTS = IntVector.SPECIES_128;

    IQ4XSDotMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.IQ4_XS, rows, cols, data);
    }

    @Override
    void decodeTile(int row, int count, LevelTile tile) {
        for (int r = 0; r < count; r++) {
            long base = (row + r) * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long at = base + (long) b * type.typeSize;
                tile.d[r * blocks + b] = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
                int high = data.get(Half.SHORT_LE, at + SCALES_HIGH) & 0xFFFF;
                for (int ib = 0; ib < 8; ib++) {
                    int low = data.get(ValueLayout.JAVA_BYTE, at + SCALES_LOW + ib / 2) >> (4 * (ib % 2)) & 0xF;
                    int ls = (low | ((high >> (2 * ib)) & 3) << 4) - 32;
                    for (int j = 0; j < 16; j++) {
                        int q = data.get(ValueLayout.JAVA_BYTE, at + QS + 16L * ib + j) & 0xFF;
                        putLevel(tile, r, b * 256 + ib * 32 + j, ls * Block32DotMatrix.IQ4_LEVELS[q & 0xF]);
                        putLevel(tile, r, b * 256 + ib * 32 + j + 16, ls * Block32DotMatrix.IQ4_LEVELS[q >> 4]);
                    }
                }
            }
        }
    }

    /**
     * One token, with the tile path's bits: per sub-block the lanes of {@link SplitNibbles} times its scale, added
     * in integers over the super-block (lanes 0-3 and 4-7 apart), then {@link #combine}'s float steps.
     */
    @Override
    boolean multiplyOneToken(int row, int count, Q8Activations x, float[] out) {
        ByteVector table = ByteVector.fromArray(SplitNibbles.BYTES, SplitNibbles.IQ4_LEVELS, 0);
        for (int r = 0; r < count; r++) {
            FloatVector low = FloatVector.zero(SplitNibbles.HALF);
            FloatVector high = low;
            for (int b = 0; b < blocks; b++) {
                long at = (row + r) * rowBytes + (long) b * type.typeSize;
                int highBits = data.get(Half.SHORT_LE, at + SCALES_HIGH) & 0xFFFF;
                IntVector lowSums = IntVector.zero(HALF_INTS);
                IntVector highSums = lowSums;
                for (int ib = 0; ib < 8; ib++) {
                    int lowBits = data.get(ValueLayout.JAVA_BYTE, at + SCALES_LOW + ib / 2) >> (4 * (ib % 2)) & 0xF;
                    int ls = (lowBits | ((highBits >> (2 * ib)) & 3) << 4) - 32;
                    ByteVector stored = SplitNibbles.load(data, at + QS + 16L * ib);
                    int x0 = b * 256 + ib * 32;
                    lowSums = SplitNibbles.lanes(SplitNibbles.lowHalf(stored, table), x.pairedLevels, x0, 0)
                            .mul(ls).add(lowSums);
                    highSums = SplitNibbles.lanes(SplitNibbles.highHalf(stored, table), x.pairedLevels, x0, 1)
                            .mul(ls).add(highSums);
                }
                FloatVector scale = FloatVector.broadcast(SplitNibbles.HALF,
                        Float.float16ToFloat(data.get(Half.SHORT_LE, at)) * x.scales[b]);
                low = SplitNibbles.toFloats(lowSums).fma(scale, low);
                high = SplitNibbles.toFloats(highSums).fma(scale, high);
            }
            out[row + r] = SplitNibbles.sum(low, high);
        }
        return true;
    }
}
