package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
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

    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VectorMask<Integer> UPPER_HALF = VectorMask.fromLong(INTS, 0xF0);

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

    /**
     * One token from the stored blocks, with the tile path's bits: the integer lane sums are taken in 16-bit lanes
     * (a 32-byte load of low bits splits into the even and odd elements of two chunks, the high bits come from
     * the shared 32 bytes; a product is at most 63·127 and two fit in 16 bits); adjacent pair sums widen to the
     * AVX2 kernel's lanes (lane g: elements 4g..4g+3 of each chunk), times one sub-block scale for lanes 0-3 and
     * the other for lanes 4-7. From there the float steps are those of {@link #combine}.
     */
    @Override
    boolean multiplyOneToken(int row, int count, Q8Activations x, float[] out) {
        float[] accLanes = OneTokenScratch.ofThread().lanes;
        for (int r = 0; r < count; r++) {
            FloatVector acc = FloatVector.zero(LaneOrder.S);
            for (int b = 0; b < blocks; b++) {
                long at = (row + r) * rowBytes + (long) b * type.typeSize;
                IntVector low = IntVector.zero(INTS);
                IntVector high = IntVector.zero(INTS);
                for (int half = 0; half < 2; half++) {
                    ShortVector qh = ShortVector.fromMemorySegment(SHORTS, data, at + Q6KCodec.QH_OFFSET + 32L * half,
                            ByteOrder.LITTLE_ENDIAN);
                    // shifted left by 4, so that one right shift by 2k brings bits 2k, 2k+1 of a low byte to bits
                    // 4, 5 for every k; a shift chosen by a branch merged two vectors, which C2 may box
                    ShortVector qh4 = qh.lanewise(VectorOperators.LSHL, 4);
                    for (int m = 0; m < 2; m++) {
                        ShortVector ql = ShortVector.fromMemorySegment(SHORTS, data,
                                at + Q6KCodec.QL_OFFSET + 64L * half + 32L * m, ByteOrder.LITTLE_ENDIAN);
                        for (int nibble = 0; nibble < 2; nibble++) {
                            int k = m + 2 * nibble;
                            int c = 4 * half + k;
                            int xo = b * 256 + c * 32;
                            ShortVector even = ql.lanewise(VectorOperators.LSHR, 4 * nibble).and((short) 0xF)
                                    .or(qh4.lanewise(VectorOperators.LSHR, 2 * k).and((short) 0x30));
                            ShortVector odd = ql.lanewise(VectorOperators.LSHR, 8 + 4 * nibble).and((short) 0xF)
                                    .or(qh.lanewise(VectorOperators.LSHR, 4 + 2 * k).and((short) 0x30));
                            ShortVector pairs = even.mul(ShortVector.fromArray(SHORTS, x.pairedLevels, xo))
                                    .add(odd.mul(ShortVector.fromArray(SHORTS, x.pairedLevels, xo + 16)));
                            IntVector groups = LaneOrder.adjacentPairSums(pairs);
                            // the scales read where used: an array made per call was 4 MB of garbage per token of
                            // a 0.6B model, and the thread's array cost range checks (0.23 against 0.14 ns)
                            long scale = at + Q6KCodec.SCALES_OFFSET + 2 * c;
                            low = groups.mul(data.get(ValueLayout.JAVA_BYTE, scale)).add(low);
                            high = groups.mul(data.get(ValueLayout.JAVA_BYTE, scale + 1)).add(high);
                        }
                    }
                }
                // lanes 0-3 hold the chunks' first sub-blocks, 4-7 their second; lane g's offset pairs sub-blocks
                // 2g and 2g+1, taken off in float as combine() does
                IntVector groups = low.blend(high, UPPER_HALF);
                ShortVector scalePairs = ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data,
                        at + Q6KCodec.SCALES_OFFSET, ByteOrder.LITTLE_ENDIAN);
                FloatVector evenScales = (FloatVector) scalePairs.lanewise(VectorOperators.LSHL, 8)
                        .lanewise(VectorOperators.ASHR, 8).convertShape(VectorOperators.S2F, LaneOrder.S, 0);
                FloatVector oddScales = (FloatVector) scalePairs.lanewise(VectorOperators.ASHR, 8)
                        .convertShape(VectorOperators.S2F, LaneOrder.S, 0);
                int h = b * 16;
                FloatVector offset = evenScales.mul(FloatVector.fromArray(LaneOrder.S, x.halfSums, h))
                        .add(oddScales.mul(FloatVector.fromArray(LaneOrder.S, x.halfSums, h + 8))).mul(32f);
                FloatVector lanes = ((FloatVector) groups.convert(VectorOperators.I2F, 0)).sub(offset);
                float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at + Q6KCodec.D_OFFSET));
                acc = lanes.fma(FloatVector.broadcast(LaneOrder.S, x.scales[b] * d), acc);
            }
            acc.intoArray(accLanes, 0);
            out[row + r] = LaneOrder.sum(accLanes);
        }
        return true;
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
                sb.sub(offset).fma(FloatVector.broadcast(LaneOrder.S, x.scales[tb] * tile.d[rb]),
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
