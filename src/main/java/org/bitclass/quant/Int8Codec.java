package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q8_0 (weights) and Q8_1 (activations): 32 values as {@code d * q} with signed bytes {@code q} and the
 * fp16 scale {@code d = amax / 127}; Q8_1 also stores {@code d * sum(q)} as fp16. Importance is ignored,
 * as in ggml.
 */
final class Int8Codec extends BlockCodec {

    private static final int BLOCK = 32;

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
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) {
                float a = Math.abs(src[x + j]);
                amax = amax > a ? amax : a; // C's MAX macro, not Math.max (which would keep a NaN)
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            LittleEndian.putHalf(dst, block, d);
            int sum = 0;
            for (int j = 0; j < BLOCK; j++) {
                byte q = (byte) CRounding.roundToInt(src[x + j] * id);
                dst[block + qsStart + j] = q;
                sum += q;
            }
            if (withSum) {
                LittleEndian.putHalf(dst, block + 2, sum * d);
            }
        }
    }
}
