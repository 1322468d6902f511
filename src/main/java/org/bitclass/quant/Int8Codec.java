package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q8_0 (weights) and Q8_1 (activations): 32 values as {@code d * q} with signed bytes {@code q} and the
 * fp16 scale {@code d = amax / 127}; Q8_1 also stores {@code d * sum(q)} as fp16. Importance is ignored,
 * as in ggml.
 */
final class Int8Codec extends BlockCodec {

    private static final int BLOCK = 32;
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INT_LANES = LANES.withLanes(int.class);
    /** Bytes, as many lanes as {@link #LANES}. */
    private static final VectorSpecies<Byte> BYTE_LANES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES.length() * Byte.SIZE));

    private final boolean withSum;
    /** Where the levels start: after d, and after Q8_1's sum. */
    private final int qsStart;

    Int8Codec(GgmlType type, boolean withSum) {
        super(type);
        this.withSum = withSum;
        this.qsStart = withSum ? 4 : 2;
    }

    @Override
    void decodeBlock(MemorySegment src, long at, float[] dst, int dstOffset) {
        float d = LittleEndian.half(src, at);
        for (int j = 0; j < BLOCK; j++) {
            dst[dstOffset + j] = src.get(ValueLayout.JAVA_BYTE, at + qsStart + j) * d;
        }
    }

    @Override
    RowEncoder newRowEncoder() {
        return this::encodeRow;
    }

    private void encodeRow(float[] src, int srcOffset, int n, float[] importance, byte[] dst, int at) {
        int blockBytes = type().typeSize;
        for (int b = 0; b < n / BLOCK; b++) {
            int x = srcOffset + b * BLOCK;
            int block = at + b * blockBytes;
            // without NaNs C's MAX loop gives the largest magnitude, whatever the order of comparisons
            float amax = largestMagnitudeInLanes(src, x);
            boolean inLanes = Float.isFinite(amax);
            if (!inLanes) {
                amax = largestMagnitudeInOrder(src, x);
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            LittleEndian.putHalf(dst, block, d);
            // with a finite largest magnitude and a finite id every x * id lies within ±128, where the lanes
            // round exactly as roundf; otherwise C's out-of-range conversions apply
            int sum = inLanes && Float.isFinite(id)
                    ? roundLanes(src, x, id, dst, block + qsStart)
                    : roundOneByOne(src, x, id, dst, block + qsStart);
            if (withSum) {
                LittleEndian.putHalf(dst, block + 2, sum * d);
            }
        }
    }

    /** The largest magnitude of the block, NaN if it holds a NaN. */
    private static float largestMagnitudeInLanes(float[] src, int x) {
        FloatVector amax = FloatVector.zero(LANES);
        for (int j = 0; j < BLOCK; j += LANES.length()) {
            amax = amax.max(FloatVector.fromArray(LANES, src, x + j).abs());
        }
        return amax.reduceLanes(VectorOperators.MAX);
    }

    /**
     * C's {@code amax} loop with {@code MAX(amax, |x|)}: with NaNs, the largest magnitude after the last NaN (MAX
     * keeps its second argument when the comparison fails).
     */
    private static float largestMagnitudeInOrder(float[] src, int x) {
        float amax = 0;
        for (int j = 0; j < BLOCK; j++) {
            float a = Math.abs(src[x + j]);
            amax = amax > a ? amax : a;
        }
        return amax;
    }

    /** {@code (int8_t) roundf(x * id)} for the block, lane-wise for in-range products; returns the sum of levels. */
    private static int roundLanes(float[] src, int x, float id, byte[] dst, int qs) {
        int sum = 0;
        for (int j = 0; j < BLOCK; j += LANES.length()) {
            FloatVector y = FloatVector.fromArray(LANES, src, x + j).mul(id);
            IntVector truncated = (IntVector) y.convert(VectorOperators.F2I, 0);
            FloatVector fraction = y.sub((FloatVector) truncated.convert(VectorOperators.I2F, 0));
            IntVector q = truncated
                    .add(1, fraction.compare(VectorOperators.GE, 0.5f).cast(INT_LANES))
                    .sub(1, fraction.compare(VectorOperators.LE, -0.5f).cast(INT_LANES));
            ((ByteVector) q.convertShape(VectorOperators.I2B, BYTE_LANES, 0)).intoArray(dst, qs + j);
            sum += q.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }

    /** The same with C's conversion of NaN and out-of-range products. */
    private static int roundOneByOne(float[] src, int x, float id, byte[] dst, int qs) {
        int sum = 0;
        for (int j = 0; j < BLOCK; j++) {
            byte q = (byte) CRounding.roundToInt(src[x + j] * id);
            dst[qs + j] = q;
            sum += q;
        }
        return sum;
    }
}
