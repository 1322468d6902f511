package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_NL and IQ4_XS: 4-bit indices into ggml's fixed non-uniform codebook, per 32 values one scale. IQ4_NL
 * stores each 32-value block's scale as fp16; IQ4_XS groups 8 blocks into a 256-value super-block with one
 * fp16 scale and a 6-bit signed multiplier per block. Both search the block scale among 15 candidates
 * ({@code quantize_row_iq4_nl_impl} with 7 tries each way), weighting by importance when given and by x²
 * otherwise.
 */
final class NonLinear4Codec extends BlockCodec {

    /** ggml's {@code kvalues_iq4nl}. */
    private static final int[] CODEBOOK = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    private static final int BLOCK = 32;
    private static final int TRIES = 7;
    /** The starting scale and {@code 2 * TRIES + 1} neighbours. */
    private static final int CANDIDATES = 2 * TRIES + 2;
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;

    private final int superBlock;
    private final int blocks;
    private final int qsStart;

    NonLinear4Codec(GgmlType type) {
        super(type);
        this.superBlock = type.blockSize;
        this.blocks = superBlock / BLOCK;
        this.qsStart = blocks > 1 ? 4 + blocks / 2 : 2;
    }

    @Override
    void decodeBlock(MemorySegment src, long at, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, at);
        int scalesHigh = blocks > 1 ? LittleEndian.u16(src, at + 2) & 0xffff : 0;
        for (int ib = 0; ib < blocks; ib++) {
            float dl = blocks > 1 ? d * (blockMultiplier(src, at, scalesHigh, ib) - 32) : d;
            long qs = at + qsStart + ib * (BLOCK / 2);
            int y = dstOffset + ib * BLOCK;
            for (int j = 0; j < BLOCK / 2; j++) {
                int b = LittleEndian.u8(src, qs + j);
                dst[y + j] = dl * CODEBOOK[b & 0x0F];
                dst[y + j + BLOCK / 2] = dl * CODEBOOK[b >>> 4];
            }
        }
    }

    /** The 6-bit multiplier of block {@code ib}: low 4 bits in {@code scales_l}, high 2 in {@code scales_h}. */
    private static int blockMultiplier(MemorySegment src, long at, int scalesHigh, int ib) {
        int low = (LittleEndian.u8(src, at + 4 + ib / 2) >>> (4 * (ib % 2))) & 0x0F;
        int high = (scalesHigh >>> (2 * ib)) & 3;
        return low | high << 4;
    }

    @Override
    RowEncoder newRowEncoder() {
        Scratch s = new Scratch(superBlock, blocks);
        return (x, xOffset, n, importance, dst, at) -> {
            for (int sb = 0; sb < n / superBlock; sb++) {
                encode(x, xOffset + sb * superBlock, importance, sb * superBlock, dst, at + sb * type().typeSize, s);
            }
        };
    }

    /** Working arrays reused across the super-blocks of a row. */
    private record Scratch(int[] levels, float[] scales, float[] weights, float[] ids, float[] sumqx, float[] sumq2) {
        Scratch(int superBlock, int blocks) {
            this(new int[superBlock], new float[blocks], new float[BLOCK], new float[CANDIDATES],
                    new float[CANDIDATES], new float[CANDIDATES]);
        }
    }

    private void encode(float[] x, int from, float[] importance, int importanceFrom, byte[] dst, int at, Scratch s) {
        float sigma2 = ImportanceWeights.sumOfSquares(x, from, superBlock) * (2.f / superBlock);
        float[] scales = s.scales;
        int[] levels = s.levels;
        float maxScale = 0;
        float amaxScale = 0;
        for (int ib = 0; ib < blocks; ib++) {
            int xb = from + ib * BLOCK;
            if (importance != null) {
                ImportanceWeights.blockWeights(importance, importanceFrom + ib * BLOCK, sigma2, x, xb, BLOCK,
                        s.weights);
            } else {
                for (int j = 0; j < BLOCK; j++) {
                    s.weights[j] = x[xb + j] * x[xb + j];
                }
            }
            scales[ib] = blockScale(x, xb, s);
            float absD = Math.abs(scales[ib]);
            if (absD > amaxScale) {
                amaxScale = absD;
                maxScale = scales[ib];
            }
        }
        if (blocks > 1) {
            encodeMultipliers(x, from, dst, at, scales, levels, maxScale);
        } else {
            LittleEndian.putHalf(dst, at, scales[0]);
            float id = scales[0] != 0 ? 1 / scales[0] : 0;
            for (int j = 0; j < superBlock; j++) {
                levels[j] = nearestCodebookIndex(id * x[from + j]);
            }
        }
        for (int ib = 0; ib < blocks; ib++) {
            LevelPacking.putNibbles(levels, ib * BLOCK, dst, at + qsStart + ib * (BLOCK / 2));
        }
    }

    /**
     * The weighted least-squares scale of one block ({@code s.weights}), best of the start (largest magnitude on
     * the codebook's end) and 15 neighbouring candidates; 0 for an all-zero block. The 16 candidates are
     * independent, so vector lanes evaluate them side by side, each lane summing in element order as ggml does.
     */
    private static float blockScale(float[] x, int xb, Scratch s) {
        float max = ScaleSearch.largestMagnitude(x, xb, BLOCK);
        if (Math.abs(max) < ScaleSearch.GROUP_MAX_EPS) {
            return 0;
        }
        float[] ids = s.ids;
        ids[0] = 1 / (-max / CODEBOOK[0]);
        for (int itry = -TRIES; itry <= TRIES; itry++) {
            ids[itry + TRIES + 1] = (itry + CODEBOOK[0]) / max;
        }
        float[] weights = s.weights;
        for (int g = 0; g < CANDIDATES; g += LANES.length()) {
            FloatVector id = FloatVector.fromArray(LANES, ids, g);
            FloatVector sumqx = FloatVector.zero(LANES);
            FloatVector sumq2 = FloatVector.zero(LANES);
            for (int j = 0; j < BLOCK; j++) {
                float xj = x[xb + j];
                FloatVector q = nearestCodebookValue(id.mul(xj));
                FloatVector wq = q.mul(weights[j]);
                sumqx = sumqx.add(wq.mul(xj));
                sumq2 = sumq2.add(wq.mul(q));
            }
            sumqx.intoArray(s.sumqx, g);
            sumq2.intoArray(s.sumq2, g);
        }
        float[] sumqx = s.sumqx;
        float[] sumq2 = s.sumq2;
        float d = sumq2[0] > 0 ? sumqx[0] / sumq2[0] : 0.f;
        float best = d * sumqx[0];
        for (int k = 1; k < CANDIDATES; k++) {
            if (sumq2[k] > 0 && sumqx[k] * sumqx[k] > best * sumq2[k]) {
                d = sumqx[k] / sumq2[k];
                best = d * sumqx[k];
            }
        }
        return d;
    }

    /** {@code CODEBOOK[nearestCodebookIndex(x)]} in every lane. */
    static FloatVector nearestCodebookValue(FloatVector x) {
        FloatVector q = FloatVector.broadcast(LANES, (float) CODEBOOK[0]);
        for (int k = 1; k < CODEBOOK.length; k++) {
            q = q.blend((float) CODEBOOK[k], x.compare(VectorOperators.GE, THRESHOLDS[k - 1]));
        }
        return q.blend((float) CODEBOOK[CODEBOOK.length - 1], x.test(VectorOperators.IS_NAN));
    }

    /** IQ4_XS: quantizes the block scales to 6-bit multipliers of one fp16 scale, then re-picks the levels. */
    private void encodeMultipliers(float[] x, int from, byte[] dst, int at, float[] scales, int[] levels,
                                   float maxScale) {
        float d = -maxScale / 32;
        LittleEndian.putHalf(dst, at, d);
        float id = d != 0 ? 1 / d : 0.f;
        int scalesHigh = 0;
        for (int ib = 0; ib < blocks; ib++) {
            int l = Math.max(-32, Math.min(31, CRounding.nearestInt(id * scales[ib])));
            float dl = d * l;
            float idl = dl != 0 ? 1 / dl : 0.f;
            for (int j = 0; j < BLOCK; j++) {
                levels[ib * BLOCK + j] = nearestCodebookIndex(idl * x[from + ib * BLOCK + j]);
            }
            int stored = l + 32;
            int low = at + 4 + ib / 2;
            int lowNibble = stored & 0x0F;
            dst[low] = (byte) (ib % 2 == 0 ? lowNibble : dst[low] & 0xFF | lowNibble << 4);
            scalesHigh |= (stored >> 4) << (2 * ib);
        }
        LittleEndian.putU16(dst, at + 2, scalesHigh);
    }

    /**
     * ggml's {@code best_index_int8}: the codebook index nearest to {@code x}, the lower one when
     * {@code x - lower < upper - x} fails in float arithmetic (so ties go up), NaN giving 15. That rule is a
     * monotone step function of {@code x}, so it equals counting the precomputed {@link #THRESHOLDS} at or
     * below {@code x}, which avoids the binary search's unpredictable branches.
     */
    static int nearestCodebookIndex(float x) {
        if (Float.isNaN(x)) {
            return CODEBOOK.length - 1;
        }
        int index = 0;
        for (float t : THRESHOLDS) {
            index += x >= t ? 1 : 0;
        }
        return index;
    }

    /** {@code THRESHOLDS[k-1]}: the smallest float whose nearest codebook index is at least {@code k}. */
    private static final float[] THRESHOLDS = new float[CODEBOOK.length - 1];

    static {
        for (int k = 1; k < CODEBOOK.length; k++) {
            float lower = CODEBOOK[k - 1];
            float upper = CODEBOOK[k];
            // bisect on adjacent floats in (lower, upper] for the first x where x - lower < upper - x fails
            float lo = lower;
            float hi = upper;
            while (Math.nextUp(lo) < hi) {
                float mid = (lo + hi) / 2;
                if (mid == lo || mid == hi) {
                    mid = Math.nextUp(lo);
                }
                if (mid - lower < upper - mid) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            THRESHOLDS[k - 1] = hi;
        }
    }
}
