package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Q8_K, the activation format the k-quant dot products pair with: per 256 values a float scale d, signed 8-bit
 * levels ({@code x ≈ d·q}, |q| ≤ 127) and the sums of each 16 consecutive levels ({@code bsums}), which let a
 * kernel apply a weight block's mins without touching the levels. Importance weights do not apply. Follows ggml's
 * {@code quantize_row_q8_K_ref}, which is also what its x86 CPU backend runs.
 */
public final class Q8KCodec extends SuperBlockCodec {

    /** Little-endian float32 scale. */
    public static final int D_OFFSET = 0;
    /** 256 signed levels. */
    public static final int QS_OFFSET = 4;
    /** Sixteen little-endian int16 sums of levels {@code 16j..16j+15}. */
    public static final int BSUMS_OFFSET = 260;
    public static final int BLOCK_BYTES = 292;

    public Q8KCodec() {
        super(GgmlType.Q8_K);
    }

    /**
     * Quantizes 256 values into {@code qs[qsOffset..+256]} and {@code bsums[bsumsOffset..+16]} (for kernels that keep
     * activations in arrays) and returns the scale d.
     */
    public static float quantizeBlock(float[] x, int xOffset, byte[] qs, int qsOffset, short[] bsums,
                                      int bsumsOffset) {
        float max = ScaleSearch.largestMagnitude(x, xOffset, QK_K);
        if (max == 0) {
            Arrays.fill(qs, qsOffset, qsOffset + QK_K, (byte) 0);
            Arrays.fill(bsums, bsumsOffset, bsumsOffset + 16, (short) 0);
            return 0f;
        }
        float iscale = -127f / max;
        for (int j = 0; j < QK_K; j++) {
            qs[qsOffset + j] = (byte) Math.min(127, CRounding.nearestInt(iscale * x[xOffset + j]));
        }
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) {
                sum += qs[qsOffset + 16 * j + i];
            }
            bsums[bsumsOffset + j] = (short) sum;
        }
        return 1 / iscale;
    }

    @Override
    void encodeBlock(float[] x, int xOffset, float[] importance, int impOffset, Scratch s) {
        float d = quantizeBlock(x, xOffset, s.block, QS_OFFSET, s.blockSums, 0);
        LittleEndian.putFloat(s.block, D_OFFSET, d);
        for (int j = 0; j < 16; j++) {
            LittleEndian.putU16(s.block, BSUMS_OFFSET + 2 * j, s.blockSums[j]);
        }
    }

    @Override
    public void decodeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = src.get(LittleEndian.FLOAT, offset + D_OFFSET);
        for (int j = 0; j < QK_K; j++) {
            dst[dstOffset + j] = d * src.get(ValueLayout.JAVA_BYTE, offset + QS_OFFSET + j);
        }
    }
}
