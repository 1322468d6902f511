package org.bitclass.model;

import jdk.incubator.vector.FloatVector;
import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IQ4_XS times Q8_K as ggml_vec_dot_iq4_xs_q8_K on AVX2: codebook levels, a 6-bit scale (minus 32) per sub-block
 * of 32, lane sums scaled and added in integers over the super-block, then {@code d_w·d_x} and lane-wise
 * accumulation with a final {@code hsum_float_8}.
 */
final class IQ4XSDotMatrix extends IntegerDotMatrix {

    private static final int SCALES_HIGH = 2;
    private static final int SCALES_LOW = 4;
    private static final int QS = 8;

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

    /** State per pair: a lane accumulator. */
    @Override
    void combine(LevelTile tile, Q8Activations x, int t, int nt, int b, int r0) {
        for (int k = 0; k < nt; k++) {
            float xd = x.scales[(t + k) * blocks + b];
            for (int r = r0; r < r0 + 4; r++) {
                // levels decoded times their sub-block scale; lane sums below 4·127·32·127·8 < 2^24: exact
                FloatVector sb = FloatVector.fromArray(LaneOrder.S, tile.sums, LevelTile.pair(r, k));
                int s = LevelTile.stateOf(r, k);
                sb.fma(LaneOrder.broadcast(tile.d[r * blocks + b] * xd),
                        FloatVector.fromArray(LaneOrder.S, tile.state, s)).intoArray(tile.state, s);
            }
        }
    }

    @Override
    float finish(LevelTile tile, int r, int k) {
        return LaneOrder.sum(FloatVector.fromArray(LaneOrder.S, tile.state, LevelTile.stateOf(r, k)));
    }

    /** Panel state per token: the group accumulators. */
    @Override
    void combinePanel(RowPanel p, Q8Activations x, int t0, int b) {
        FloatVector d = RowPanel.rows(p.d, b);
        for (int t = 0; t < RowPanel.TOKENS; t++) {
            FloatVector scale = d.mul(x.scales[(t0 + t) * blocks + b]);
            for (int g = 0; g < RowPanel.GROUPS; g++) {
                p.accumulate(t, g, p.groupSum(g, t), scale);
            }
        }
    }

    @Override
    void finishPanel(RowPanel p, int t, float[] dst) {
        p.groupTotal(t).intoArray(dst, 0);
    }
}
