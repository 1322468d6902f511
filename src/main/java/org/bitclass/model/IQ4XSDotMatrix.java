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
                    float ls = (low | ((high >> (2 * ib)) & 3) << 4) - 32;
                    putLaneScales(tile, r, b * 8 + ib, ls, ls);
                    for (int j = 0; j < 16; j++) {
                        int q = data.get(ValueLayout.JAVA_BYTE, at + QS + 16L * ib + j) & 0xFF;
                        putLevel(tile, r, b * 256 + ib * 32 + j, Block32DotMatrix.IQ4_LEVELS[q & 0xF]);
                        putLevel(tile, r, b * 256 + ib * 32 + j + 16, Block32DotMatrix.IQ4_LEVELS[q >> 4]);
                    }
                }
            }
        }
    }

    @Override
    float dot(LevelTile tile, int r, Q8Activations x, int t) {
        int chunks = cols / LaneOrder.CHUNK;
        FloatVector acc = FloatVector.zero(LaneOrder.S);
        for (int b = 0; b < blocks; b++) {
            FloatVector sb = FloatVector.zero(LaneOrder.S);
            for (int c = 0; c < 8; c++) {
                int e = b * 256 + c * 32;
                FloatVector ls = FloatVector.fromArray(LaneOrder.S, tile.laneScales, (r * chunks + b * 8 + c) * LaneOrder.LANES);
                sb = LaneOrder.chunkDot(tile.levels, r * cols + e, x.levels, t * cols + e).fma(ls, sb);
            }
            acc = sb.fma(LaneOrder.broadcast(tile.d[r * blocks + b] * x.scales[t * blocks + b]), acc);
        }
        return LaneOrder.sum(acc);
    }
}
