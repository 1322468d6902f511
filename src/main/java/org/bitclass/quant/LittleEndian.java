package org.bitclass.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Unaligned little-endian access to encoded tensor data, the byte order of every GGUF file. */
final class LittleEndian {

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    static int u8(MemorySegment s, long offset) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, offset));
    }

    static void putU8(MemorySegment s, long offset, int value) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    static short u16(MemorySegment s, long offset) {
        return s.get(SHORT, offset);
    }

    static void putU16(MemorySegment s, long offset, int value) {
        s.set(SHORT, offset, (short) value);
    }

    static int u32(MemorySegment s, long offset) {
        return s.get(INT, offset);
    }

    static void putU32(MemorySegment s, long offset, int value) {
        s.set(INT, offset, value);
    }

    /** A half-precision value stored at {@code offset}, as a float. */
    static float half(MemorySegment s, long offset) {
        return Fp16.toFloat(s.get(SHORT, offset));
    }

    /** Stores {@code value} rounded to half precision as ggml rounds it. */
    static void putHalf(MemorySegment s, long offset, float value) {
        s.set(SHORT, offset, Fp16.fromFloat(value));
    }
}
