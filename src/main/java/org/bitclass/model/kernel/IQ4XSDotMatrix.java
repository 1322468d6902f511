package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
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

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;

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
     * One token, with the tile path's bits: per sub-block the lanes of {@link LaneOrder#chunkLanes} times its scale,
     * added in integers over the super-block, then {@link #combine}'s float steps.
     */
    @Override
    boolean multiplyOneToken(int row, int count, Q8Activations x, float[] out) {
        ByteVector table = SplitNibbles.iq4Table();
        int[] sums = OneTokenScratch.ofThread().sums;
        for (int r = 0; r < count; r++) {
            FloatVector acc = FloatVector.zero(LaneOrder.S);
            for (int b = 0; b < blocks; b++) {
                long at = (row + r) * rowBytes + (long) b * type.typeSize;
                superBlockSums(at, table, x.pairedLevels, b * 256, sums);
                acc = ((FloatVector) IntVector.fromArray(INTS, sums, 0).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.broadcast(LaneOrder.S, Float.float16ToFloat(data.get(Half.SHORT_LE, at))
                                * x.scales[b]), acc);
            }
            out[row + r] = LaneOrder.sum(acc);
        }
        return true;
    }

    /**
     * AVX2 lanes of the super-block at {@code at} times the paired levels from {@code x0} on, to {@code dst[0..8)}.
     * Written to memory, not returned: a vector returned from a call C2 does not inline is boxed, and with the
     * super-block inlined into the row loop C2 stopped inlining at its node limit (0.4 to 8.6 ns per weight, up to
     * 70 MB of garbage per 1024 × 3072 product).
     */
    private void superBlockSums(long at, ByteVector table, short[] paired, int x0, int[] dst) {
        int highBits = data.get(Half.SHORT_LE, at + SCALES_HIGH) & 0xFFFF;
        IntVector sums = IntVector.zero(INTS);
        for (int ib = 0; ib < 8; ib++) {
            int lowBits = data.get(ValueLayout.JAVA_BYTE, at + SCALES_LOW + ib / 2) >> (4 * (ib % 2)) & 0xF;
            int ls = (lowBits | ((highBits >> (2 * ib)) & 3) << 4) - 32;
            ShortVector levels = SplitNibbles.levels(data, at + QS + 16L * ib, table);
            sums = LaneOrder.chunkLanes(levels, paired, x0 + ib * 32).mul(ls).add(sums);
        }
        sums.intoArray(dst, 0);
    }
}
