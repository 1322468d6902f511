package org.bitclass.model;

import jdk.incubator.vector.FloatVector;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.Q6KCodec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Q6_K times Q8_K as ggml_vec_dot_q6_K_q8_K on AVX2: the unsigned 6-bit levels q (0..63) are multiplied with the
 * activations and scaled per 16-value sub-block; the −32 offset is taken off afterwards from the activations'
 * 16-value sums, lane g losing {@code 32·(s[2g]·bsum[2g] + s[2g+1]·bsum[2g+1])}. Lane-wise accumulation then
 * {@code hsum_float_8}, as for the other k-quants.
 */
final class Q6KDotMatrix extends IntegerDotMatrix {

    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    Q6KDotMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.Q6_K, rows, cols, data);
    }

    @Override
    void decodeTile(int row, int count, LevelTile tile) {
        for (int r = 0; r < count; r++) {
            long base = (row + r) * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long at = base + (long) b * type.typeSize;
                int rb = r * blocks + b;
                tile.d[rb] = Float.float16ToFloat(data.get(Half.SHORT_LE, at + Q6KCodec.D_OFFSET));
                for (int half = 0; half < 2; half++) {
                    long eight = data.get(LONG_LE, at + Q6KCodec.SCALES_OFFSET + 8 * half);
                    for (int i = 0; i < 8; i++) {
                        int j = 8 * half + i;
                        tile.coeffs[rb * LevelTile.COEFFS + (j & 1) * 8 + (j >> 1)] = (byte) (eight >>> (8 * i));
                    }
                }
                for (int c = 0; c < 8; c++) {
                    int half = c / 4;
                    int k = c % 4;
                    int scaleBase = rb * LevelTile.COEFFS;
                    ChunkDecoder.fields(data, at + Q6KCodec.QL_OFFSET + 64L * half + 32L * (k & 1), 4 * (k >> 1), 0xF,
                            at + Q6KCodec.QH_OFFSET + 32L * half, 2 * k, 3, 4,
                            (int) tile.coeffs[scaleBase + c], (int) tile.coeffs[scaleBase + 8 + c],
                            tile.levels, r * cols + b * 256 + c * 32);
                }
            }
        }
    }

    /** State per pair: a lane accumulator; the sub-block offsets are taken off the lane sums first. */
    @Override
    void combine(LevelTile tile, Q8Activations x, int t, int nt, int b, int r0) {
        for (int k = 0; k < nt; k++) {
            int tb = (t + k) * blocks + b;
            int h = tb * 16;
            FloatVector sumsEven = FloatVector.fromArray(LaneOrder.S, x.halfSums, h);
            FloatVector sumsOdd = FloatVector.fromArray(LaneOrder.S, x.halfSums, h + 8);
            for (int r = r0; r < r0 + 4; r++) {
                // lane sums are at most 4·63·128·127·8 ≈ 2^25 in magnitude but, for activations that are not all
                // at their extremes, far below 2^24, where every partial sum is exact
                FloatVector sb = FloatVector.fromArray(LaneOrder.S, tile.sums, LevelTile.pair(r, k));
                int rb = r * blocks + b;
                int c = rb * LevelTile.COEFFS;
                FloatVector offset = FloatVector.fromArray(LaneOrder.S, tile.coeffs, c).mul(sumsEven)
                        .add(FloatVector.fromArray(LaneOrder.S, tile.coeffs, c + 8).mul(sumsOdd))
                        .mul(32f);
                int s = LevelTile.stateOf(r, k);
                sb.sub(offset).fma(LaneOrder.broadcast(x.scales[tb] * tile.d[rb]),
                        FloatVector.fromArray(LaneOrder.S, tile.state, s)).intoArray(tile.state, s);
            }
        }
    }

    /**
     * Panel state per token: the group accumulators. Group g loses {@code 32·(s[2g]·bsum[2g] + s[2g+1]·bsum[2g+1])},
     * an exact integer as in the lane kernel.
     */
    @Override
    void combinePanel(RowPanel p, Q8Activations x, int t0, int b) {
        FloatVector d = RowPanel.rows(p.d, b);
        for (int t = 0; t < RowPanel.TOKENS; t++) {
            int tb = (t0 + t) * blocks + b;
            FloatVector scale = d.mul(x.scales[tb]);
            int h = tb * 16;
            for (int g = 0; g < RowPanel.GROUPS; g++) {
                FloatVector offset = RowPanel.rows(p.coeffs, b * LevelTile.COEFFS + g).mul(x.halfSums[h + g])
                        .add(RowPanel.rows(p.coeffs, b * LevelTile.COEFFS + 8 + g).mul(x.halfSums[h + 8 + g]))
                        .mul(32f);
                p.accumulate(t, g, p.groupSum(g, t).sub(offset), scale);
            }
        }
    }
}
