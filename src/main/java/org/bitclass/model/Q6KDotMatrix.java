package org.bitclass.model;

import jdk.incubator.vector.FloatVector;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.Q6KCodec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q6_K times Q8_K as ggml_vec_dot_q6_K_q8_K on AVX2: the unsigned 6-bit levels q (0..63) are multiplied with the
 * activations and scaled per 16-value sub-block; the −32 offset is taken off afterwards from the activations'
 * 16-value sums, lane g losing {@code 32·(s[2g]·bsum[2g] + s[2g+1]·bsum[2g+1])}. Lane-wise accumulation then
 * {@code hsum_float_8}, as for the other k-quants.
 */
final class Q6KDotMatrix extends IntegerDotMatrix {

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
                for (int j = 0; j < 16; j++) {
                    tile.coeffs[rb * LevelTile.COEFFS + (j & 1) * 8 + (j >> 1)] =
                            data.get(ValueLayout.JAVA_BYTE, at + Q6KCodec.SCALES_OFFSET + j);
                }
                for (int c = 0; c < 8; c++) {
                    int half = c / 4;
                    int k = c % 4;
                    int scaleBase = rb * LevelTile.COEFFS;
                    putLaneScales(tile, r, b * 8 + c, tile.coeffs[scaleBase + c], tile.coeffs[scaleBase + 8 + c]);
                    ChunkDecoder.fields(
                            ChunkDecoder.load(data, at + Q6KCodec.QL_OFFSET + 64L * half + 32L * (k & 1)), 4 * (k >> 1), 0xF,
                            ChunkDecoder.load(data, at + Q6KCodec.QH_OFFSET + 32L * half), 2 * k, 3, 4,
                            tile.levels, r * cols + b * 256 + c * 32);
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
            int rb = r * blocks + b;
            int tb = t * blocks + b;
            int s = rb * LevelTile.COEFFS;
            int h = tb * 16;
            FloatVector offset = FloatVector.fromArray(LaneOrder.S, tile.coeffs, s)
                    .mul(FloatVector.fromArray(LaneOrder.S, x.halfSums, h))
                    .add(FloatVector.fromArray(LaneOrder.S, tile.coeffs, s + 8)
                            .mul(FloatVector.fromArray(LaneOrder.S, x.halfSums, h + 8)))
                    .mul(32f);
            acc = sb.sub(offset).fma(LaneOrder.broadcast(x.scales[tb] * tile.d[rb]), acc);
        }
        return LaneOrder.sum(acc);
    }
}
