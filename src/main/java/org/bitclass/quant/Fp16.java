package org.bitclass.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * IEEE half-precision scales as ggml stores them: little-endian, converted from float with round-to-nearest-even
 * (ggml's {@code GGML_FP32_TO_FP16}). Java's {@link Float#floatToFloat16} rounds the same way, subnormals included;
 * only NaN differs, which ggml always turns into the quiet NaN {@code 0x7E00} with the input's sign.
 */
public final class Fp16 {

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Fp16() {
    }

    public static short fromFloat(float f) {
        if (Float.isNaN(f)) {
            return (short) (((Float.floatToRawIntBits(f) >>> 16) & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(f);
    }

    /** Widens exactly; a NaN comes back quiet, as ggml's conversion returns it. */
    public static float toFloat(short half) {
        float f = Float.float16ToFloat(half);
        if (Float.isNaN(f)) {
            return Float.intBitsToFloat(Float.floatToRawIntBits(f) | 0x0040_0000);
        }
        return f;
    }

    /** Reads the half at byte {@code offset} of {@code src}. */
    public static float read(MemorySegment src, long offset) {
        return Float.float16ToFloat(src.get(LE_SHORT, offset));
    }

    /** Reads the half stored little-endian at {@code block[offset..offset+1]}. */
    static float read(byte[] block, int offset) {
        return Float.float16ToFloat((short) ((block[offset] & 0xFF) | block[offset + 1] << 8));
    }

    /** Rounds {@code f} to half, stores it little-endian at {@code out[offset..offset+1]} and returns the stored value. */
    static float write(byte[] out, int offset, float f) {
        short h = fromFloat(f);
        out[offset] = (byte) h;
        out[offset + 1] = (byte) (h >> 8);
        return Float.float16ToFloat(h);
    }
}
