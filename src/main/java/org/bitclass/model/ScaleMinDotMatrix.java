package org.bitclass.model;

import jdk.incubator.vector.FloatVector;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.KPacking;
import org.bitclass.quant.Q4KCodec;
import org.bitclass.quant.Q5KCodec;
import org.bitclass.quant.ScaleMinKCodec;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K and Q5_K: super-blocks of 8 sub-blocks of 32 levels with 6-bit scales and mins, times Q8_K activations.
 * Per super-block the lane sums times the sub-block scales add up in integers (the levels are decoded already
 * multiplied by their scale); how the float parts combine follows
 * the kernel llama.cpp runs: ggml_vec_dot_q4_K_q8_K (scale term lane-wise, min term in 4 lanes),
 * ggml_vec_dot_q5_K_q8_K (min term in one scalar), or for repacked Q4_K the gemv/gemm of arch/x86/repack.cpp
 * (one float per row for each term, subtracted at the end).
 */
final class ScaleMinDotMatrix extends IntegerDotMatrix {

    private final boolean fiveBit;
    private final boolean rowSequential;

    ScaleMinDotMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
        this.fiveBit = type == GgmlType.Q5_K;
        this.rowSequential = repackedByLlamaCpp();
    }

    @Override
    void decodeTile(int row, int count, LevelTile tile) {
        int qsOffset = fiveBit ? Q5KCodec.QS_OFFSET : Q4KCodec.QS_OFFSET;
        int[] scales = new int[8];
        int[] mins = new int[8];
        for (int r = 0; r < count; r++) {
            long base = (row + r) * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long at = base + (long) b * type.typeSize;
                int rb = r * blocks + b;
                tile.d[rb] = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.D_OFFSET));
                tile.dmin[rb] = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.DMIN_OFFSET));
                KPacking.unpackScaleMin6(data, at + ScaleMinKCodec.SCALES_OFFSET, scales, mins);
                long high = fiveBit ? at + Q5KCodec.QH_OFFSET : -1;
                for (int c = 0; c < 8; c++) {
                    int sc = scales[c];
                    tile.coeffs[rb * LevelTile.COEFFS + c] = mins[c];
                    ChunkDecoder.fields(data, at + qsOffset + 32L * (c / 2), 4 * (c % 2), 0xF, high, c, 1, 4, sc, sc,
                            tile.levels, r * cols + b * 256 + c * 32);
                }
            }
        }
    }

    @Override
    float dot(LevelTile tile, int r, Q8Activations x, int t) {
        FloatVector acc = FloatVector.zero(LaneOrder.S);
        float min0 = 0, min1 = 0, min2 = 0, min3 = 0;
        float scaleRow = 0;
        for (int b = 0; b < blocks; b++) {
            // lane sums below 4·31·63·127·8 < 2^23: exact
            FloatVector sb = LaneOrder.chunksDot(tile.levels, r * cols + b * 256, x.levels, t * cols + b * 256, 8);
            int rb = r * blocks + b;
            int tb = t * blocks + b;
            float yd = x.scales[tb];
            int m = rb * LevelTile.COEFFS;
            int p = tb * 8;
            float[] mins = tile.coeffs;
            float[] sums = x.subSums;
            float prod0 = mins[m] * sums[p] + mins[m + 1] * sums[p + 1];
            float prod1 = mins[m + 2] * sums[p + 2] + mins[m + 3] * sums[p + 3];
            float prod2 = mins[m + 4] * sums[p + 4] + mins[m + 5] * sums[p + 5];
            float prod3 = mins[m + 6] * sums[p + 6] + mins[m + 7] * sums[p + 7];
            if (rowSequential) {
                scaleRow = Math.fma(LaneOrder.sum(sb), tile.d[rb] * yd, scaleRow);
                min0 = Math.fma((prod0 + prod1) + (prod2 + prod3), tile.dmin[rb] * yd, min0);
                continue;
            }
            acc = sb.fma(LaneOrder.broadcast(yd * tile.d[rb]), acc);
            float dmin = -yd * tile.dmin[rb];
            if (fiveBit) {
                min0 = Math.fma(dmin, (prod0 + prod1) + (prod2 + prod3), min0);
            } else {
                min0 = Math.fma(dmin, prod0, min0);
                min1 = Math.fma(dmin, prod1, min1);
                min2 = Math.fma(dmin, prod2, min2);
                min3 = Math.fma(dmin, prod3, min3);
            }
        }
        if (rowSequential) {
            return scaleRow - min0;
        }
        return LaneOrder.sum(acc) + ((min0 + min2) + (min1 + min3));
    }
}
