package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.KPacking;
import org.bitclass.quant.Q4KCodec;
import org.bitclass.quant.Q5KCodec;
import org.bitclass.quant.ScaleMinKCodec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Q4_K and Q5_K: super-blocks of 8 sub-blocks of 32 levels with 6-bit scales and mins, times Q8_K activations.
 * Per super-block the lane sums times the sub-block scales add up in integers (the levels are decoded already
 * multiplied by their scale); how the float parts combine follows
 * the kernel llama.cpp runs: ggml_vec_dot_q4_K_q8_K (scale term lane-wise, min term in 4 lanes),
 * ggml_vec_dot_q5_K_q8_K (min term in one scalar), or for repacked Q4_K the gemv/gemm of arch/x86/repack.cpp
 * (one float per row for each term, subtracted at the end).
 */
final class ScaleMinDotMatrix extends IntegerDotMatrix {

    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;

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

    /**
     * Q4_K and Q5_K times one token, with the tile path's bits. The integer sums are taken in 16-bit lanes straight
     * from the stored nibbles (and Q5_K's fifth bits): a 32-byte load splits into the even and odd elements of two
     * sub-blocks, each product is at most 31·128 and two of them fit in 16 bits; adjacent pair sums widen to the
     * AVX2 kernel's 32-bit lanes before their sub-block scale. Integer sums are exact in any order; the float steps
     * are those of {@link #combine} and {@link #finish}: for repacked matrices one float per row for each term,
     * otherwise lane-wise accumulators.
     */
    @Override
    boolean multiplyOneToken(int row, int count, Q8Activations x, float[] out) {
        // one loop per order rather than one with a branch: vectors merged across branches may be boxed
        OneTokenScratch s = OneTokenScratch.ofThread();
        if (fiveBit) {
            for (int r = 0; r < count; r++) {
                out[row + r] = fiveBitRowTimesToken(row + r, x, s);
            }
            return true;
        }
        for (int r = 0; r < count; r++) {
            out[row + r] = rowSequential ? repackedRowTimesToken(row + r, x, s) : plainRowTimesToken(row + r, x, s);
        }
        return true;
    }

    /** As the repacked gemv: per super-block the whole integer sums, one float per row for each term. */
    private float repackedRowTimesToken(int row, Q8Activations x, OneTokenScratch s) {
        int[] scales = s.scales;
        int[] mins = s.mins;
        float scaleTerm = 0;
        float minTerm = 0;
        for (int b = 0; b < blocks; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            KPacking.unpackScaleMin6(data, at + ScaleMinKCodec.SCALES_OFFSET, scales, mins);
            blockSums(at, x.pairedLevels, b * 256, scales, s.sums);
            IntVector sums = IntVector.fromArray(INTS, s.sums, 0);
            int minSum = 0;
            for (int c = 0; c < 8; c++) {
                minSum += mins[c] * (int) x.subSums[b * 8 + c];
            }
            float yd = x.scales[b];
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.D_OFFSET));
            float dmin = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.DMIN_OFFSET));
            scaleTerm = Math.fma((float) sums.reduceLanes(VectorOperators.ADD), d * yd, scaleTerm);
            minTerm = Math.fma((float) minSum, dmin * yd, minTerm);
        }
        return scaleTerm - minTerm;
    }

    /** As ggml_vec_dot_q4_K_q8_K: lane-wise accumulators for the scale term and for the paired min products. */
    private float plainRowTimesToken(int row, Q8Activations x, OneTokenScratch s) {
        int[] scales = s.scales;
        int[] mins = s.mins;
        FloatVector scaleLanes = FloatVector.zero(LaneOrder.S);
        FloatVector minLanes = FloatVector.zero(LaneOrder.S);
        for (int b = 0; b < blocks; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            KPacking.unpackScaleMin6(data, at + ScaleMinKCodec.SCALES_OFFSET, scales, mins);
            blockSums(at, x.pairedLevels, b * 256, scales, s.sums);
            IntVector sums = IntVector.fromArray(INTS, s.sums, 0);
            FloatVector minProducts = ((FloatVector) IntVector.fromArray(INTS, mins, 0).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(LaneOrder.S, x.subSums, b * 8));
            float yd = x.scales[b];
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.D_OFFSET));
            float dmin = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.DMIN_OFFSET));
            scaleLanes = ((FloatVector) sums.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(LaneOrder.S, yd * d), scaleLanes);
            minLanes = LaneOrder.neighbourSums(minProducts)
                    .fma(FloatVector.broadcast(LaneOrder.S, -yd * dmin), minLanes);
        }
        return LaneOrder.sum(scaleLanes)
                + ((minLanes.lane(0) + minLanes.lane(4)) + (minLanes.lane(2) + minLanes.lane(6)));
    }

    /** As ggml_vec_dot_q5_K_q8_K: a lane-wise accumulator for the scale term, one float for the min term. */
    private float fiveBitRowTimesToken(int row, Q8Activations x, OneTokenScratch s) {
        int[] scales = s.scales;
        int[] mins = s.mins;
        int[] blockSums = s.sums;
        FloatVector scaleLanes = FloatVector.zero(LaneOrder.S);
        float minTerm = 0;
        for (int b = 0; b < blocks; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            KPacking.unpackScaleMin6(data, at + ScaleMinKCodec.SCALES_OFFSET, scales, mins);
            fiveBitBlockSums(at, x.pairedLevels, b * 256, scales, blockSums);
            IntVector sums = IntVector.fromArray(INTS, blockSums, 0);
            FloatVector minProducts = ((FloatVector) IntVector.fromArray(INTS, mins, 0).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(LaneOrder.S, x.subSums, b * 8));
            float yd = x.scales[b];
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.D_OFFSET));
            float dmin = Float.float16ToFloat(data.get(Half.SHORT_LE, at + ScaleMinKCodec.DMIN_OFFSET));
            scaleLanes = ((FloatVector) sums.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(LaneOrder.S, yd * d), scaleLanes);
            minTerm = Math.fma(-yd * dmin, LaneOrder.evenLanesSum(LaneOrder.neighbourSums(minProducts)), minTerm);
        }
        return LaneOrder.sum(scaleLanes) + minTerm;
    }

    /**
     * One super-block's scaled integer lane sums against paired 16-bit activation levels from {@code x0} on, to
     * {@code dst[0..8)}. Written to memory, not returned: when C2 happened to compile this method on its own first,
     * it would not inline it later ("already compiled into a big method"), and the returned vector was boxed: in one
     * JVM start out of three or so, 3 MB of garbage per 1024 × 3072 product and 0.18 rather than 0.12 ns per weight.
     */
    private void blockSums(long at, short[] paired, int x0, int[] scales, int[] dst) {
        IntVector acc = IntVector.zero(INTS);
        for (int pair = 0; pair < 4; pair++) {
            ShortVector v = ShortVector.fromMemorySegment(SHORTS, data, at + Q4KCodec.QS_OFFSET + 32L * pair,
                    ByteOrder.LITTLE_ENDIAN);
            int xp = x0 + pair * 64;
            ShortVector sum0 = v.and((short) 0xF).mul(ShortVector.fromArray(SHORTS, paired, xp))
                    .add(v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF)
                            .mul(ShortVector.fromArray(SHORTS, paired, xp + 16)));
            ShortVector sum1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                    .mul(ShortVector.fromArray(SHORTS, paired, xp + 32))
                    .add(v.lanewise(VectorOperators.LSHR, 12).mul(ShortVector.fromArray(SHORTS, paired, xp + 48)));
            acc = LaneOrder.adjacentPairSums(sum0).mul(scales[2 * pair]).add(acc);
            acc = LaneOrder.adjacentPairSums(sum1).mul(scales[2 * pair + 1]).add(acc);
        }
        acc.intoArray(dst, 0);
    }

    /**
     * As {@link #blockSums} for Q5_K, the fifth bits ORed into the nibbles. A separate method: one method with a flag
     * for the fifth bits is too large for C2 to inline, so the flag stayed a branch and Q4_K's kernel ran at 0.175
     * rather than 0.113 ns per weight.
     */
    private void fiveBitBlockSums(long at, short[] paired, int x0, int[] scales, int[] dst) {
        IntVector acc = IntVector.zero(INTS);
        for (int pair = 0; pair < 4; pair++) {
            ShortVector v = ShortVector.fromMemorySegment(SHORTS, data, at + Q5KCodec.QS_OFFSET + 32L * pair,
                    ByteOrder.LITTLE_ENDIAN);
            // sub-block c's fifth bits are bit c of each qh byte: here bits 0 and 1 (low byte), 8 and 9 (high)
            ShortVector h = ShortVector.fromMemorySegment(SHORTS, data, at + Q5KCodec.QH_OFFSET,
                    ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, 2 * pair);
            int xp = x0 + pair * 64;
            ShortVector sum0 = v.and((short) 0xF).or(h.lanewise(VectorOperators.LSHL, 4).and((short) 0x10))
                    .mul(ShortVector.fromArray(SHORTS, paired, xp))
                    .add(v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF)
                            .or(h.lanewise(VectorOperators.LSHR, 4).and((short) 0x10))
                            .mul(ShortVector.fromArray(SHORTS, paired, xp + 16)));
            ShortVector sum1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                    .or(h.lanewise(VectorOperators.LSHL, 3).and((short) 0x10))
                    .mul(ShortVector.fromArray(SHORTS, paired, xp + 32))
                    .add(v.lanewise(VectorOperators.LSHR, 12).or(h.lanewise(VectorOperators.LSHR, 5).and((short) 0x10))
                            .mul(ShortVector.fromArray(SHORTS, paired, xp + 48)));
            acc = LaneOrder.adjacentPairSums(sum0).mul(scales[2 * pair]).add(acc);
            acc = LaneOrder.adjacentPairSums(sum1).mul(scales[2 * pair + 1]).add(acc);
        }
        acc.intoArray(dst, 0);
    }

    /**
     * State per pair: the lane accumulator, then the min term as four partial sums in lanes 0, 2, 4, 6; when
     * row-sequential, one float for each term. The min term's products {@code m_j·bsum_j} pair up as the scalar
     * kernels pair them: prod_j = m_2j·s_2j + m_2j+1·s_2j+1, in lane 2j.
     */
    @Override
    void combine(LevelTile tile, Q8Activations x, int t, int nt, int b, int r0) {
        float[] state = tile.state;
        for (int k = 0; k < nt; k++) {
            int tb = (t + k) * blocks + b;
            float yd = x.scales[tb];
            FloatVector subSums = FloatVector.fromArray(LaneOrder.S, x.subSums, tb * 8);
            for (int r = r0; r < r0 + 4; r++) {
                // lane sums below 4·31·63·127·8 < 2^23: exact
                FloatVector sb = FloatVector.fromArray(LaneOrder.S, tile.sums, LevelTile.pair(r, k));
                int rb = r * blocks + b;
                FloatVector prods = LaneOrder.neighbourSums(
                        FloatVector.fromArray(LaneOrder.S, tile.coeffs, rb * LevelTile.COEFFS).mul(subSums));
                int s = LevelTile.stateOf(r, k);
                if (rowSequential) {
                    state[s] = Math.fma(LaneOrder.sum(sb), tile.d[rb] * yd, state[s]);
                    state[s + 1] = Math.fma(LaneOrder.evenLanesSum(prods), tile.dmin[rb] * yd, state[s + 1]);
                    continue;
                }
                sb.fma(FloatVector.broadcast(LaneOrder.S, yd * tile.d[rb]),
                        FloatVector.fromArray(LaneOrder.S, state, s)).intoArray(state, s);
                float dmin = -yd * tile.dmin[rb];
                int mt = s + LaneOrder.LANES;
                if (fiveBit) {
                    state[mt] = Math.fma(dmin, LaneOrder.evenLanesSum(prods), state[mt]);
                } else {
                    prods.fma(FloatVector.broadcast(LaneOrder.S, dmin), FloatVector.fromArray(LaneOrder.S, state, mt))
                            .intoArray(state, mt);
                }
            }
        }
    }

    @Override
    float finish(LevelTile tile, int r, int k) {
        float[] state = tile.state;
        int s = LevelTile.stateOf(r, k);
        if (rowSequential) {
            return state[s] - state[s + 1];
        }
        int mt = s + LaneOrder.LANES;
        float minTerm = fiveBit ? state[mt] : (state[mt] + state[mt + 4]) + (state[mt + 2] + state[mt + 6]);
        return LaneOrder.sum(FloatVector.fromArray(LaneOrder.S, state, s)) + minTerm;
    }

    /**
     * Panel state per token: the group accumulators and the min term's partial sums (slots 8-11), or when
     * row-sequential one slot per term. Sums of min times bsum products are exact integers, as in the lane kernel.
     */
    @Override
    void combinePanel(RowPanel p, Q8Activations x, int t0, int b) {
        FloatVector d = RowPanel.rows(p.d, b);
        FloatVector dmin = RowPanel.rows(p.dmin, b);
        int m = b * LevelTile.COEFFS;
        for (int t = 0; t < RowPanel.TOKENS; t++) {
            int tb = (t0 + t) * blocks + b;
            float yd = x.scales[tb];
            int s = tb * 8;
            FloatVector prod0 = pairOfMins(p, m, x.subSums, s);
            FloatVector prod1 = pairOfMins(p, m + 2, x.subSums, s + 2);
            FloatVector prod2 = pairOfMins(p, m + 4, x.subSums, s + 4);
            FloatVector prod3 = pairOfMins(p, m + 6, x.subSums, s + 6);
            if (rowSequential) {
                p.accumulate(t, 0, p.blockSum(t), d.mul(yd));
                p.accumulate(t, 1, prod0.add(prod1).add(prod2.add(prod3)), dmin.mul(yd));
                continue;
            }
            FloatVector scale = d.mul(yd);
            for (int g = 0; g < RowPanel.GROUPS; g++) {
                p.accumulate(t, g, p.groupSum(g, t), scale);
            }
            FloatVector minScale = dmin.mul(-yd);
            if (fiveBit) {
                p.accumulate(t, 8, prod0.add(prod1).add(prod2.add(prod3)), minScale);
            } else {
                p.accumulate(t, 8, prod0, minScale);
                p.accumulate(t, 9, prod1, minScale);
                p.accumulate(t, 10, prod2, minScale);
                p.accumulate(t, 11, prod3, minScale);
            }
        }
    }

    /** mins[c]·bsum[c] + mins[c+1]·bsum[c+1] for the panel's rows. */
    private static FloatVector pairOfMins(RowPanel p, int c, float[] subSums, int s) {
        return RowPanel.rows(p.coeffs, c).mul(subSums[s]).add(RowPanel.rows(p.coeffs, c + 1).mul(subSums[s + 1]));
    }

    @Override
    void finishPanel(RowPanel p, int t, float[] dst) {
        FloatVector result;
        if (rowSequential) {
            result = p.stateVector(t, 0).sub(p.stateVector(t, 1));
        } else if (fiveBit) {
            result = p.groupTotal(t).add(p.stateVector(t, 8));
        } else {
            FloatVector minTerm = p.stateVector(t, 8).add(p.stateVector(t, 10))
                    .add(p.stateVector(t, 9).add(p.stateVector(t, 11)));
            result = p.groupTotal(t).add(minTerm);
        }
        result.intoArray(dst, 0);
    }
}
