package org.bitclass.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Unaligned little-endian access to encoded tensor data, the byte order of every GGUF file: in a
 * {@link MemorySegment} (what decoders read) or a {@code byte[]} (what encoders fill before one bulk copy).
 */
final class LittleEndian {

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOATS = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    static int u8(MemorySegment s, long offset) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, offset));
    }

    static short u16(MemorySegment s, long offset) {
        return s.get(SHORT, offset);
    }

    static int u32(MemorySegment s, long offset) {
        return s.get(INT, offset);
    }

    /** A half-precision value stored at {@code offset}, as a float. */
    static float half(MemorySegment s, long offset) {
        return Fp16.toFloat(s.get(SHORT, offset));
    }

    /** A half-precision value stored at {@code b[offset..]}, as a float. */
    static float half(byte[] b, int offset) {
        return Fp16.toFloat((short) SHORTS.get(b, offset));
    }

    static void putU16(byte[] b, int offset, int value) {
        SHORTS.set(b, offset, (short) value);
    }

    static void putU32(byte[] b, int offset, int value) {
        INTS.set(b, offset, value);
    }

    static void putFloat(byte[] b, int offset, float value) {
        FLOATS.set(b, offset, value);
    }

    /** Stores {@code value} rounded to half precision as ggml rounds it. */
    static void putHalf(byte[] b, int offset, float value) {
        SHORTS.set(b, offset, Fp16.fromFloat(value));
    }
}
