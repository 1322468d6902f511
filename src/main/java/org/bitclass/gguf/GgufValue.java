package org.bitclass.gguf;

import java.util.Objects;

/**
 * One metadata value with its GGUF type, so that a file read and written again keeps every type.
 * Scalars hold a boxed Java value (Byte for UINT8/INT8, Short, Integer, Long, Float, Double, Boolean, String;
 * unsigned types keep their bits); arrays hold a {@link GgufArray}.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
    }

    public static GgufValue ofString(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    public static GgufValue ofUInt32(int v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    public static GgufValue ofUInt64(long v) {
        return new GgufValue(GgufValueType.UINT64, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue ofArray(GgufArray a) {
        return new GgufValue(GgufValueType.ARRAY, a);
    }

    /** The value as a signed 64-bit integer (unsigned types read as unsigned); fails for non-integers. */
    public long asLong() {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedLong((Byte) value);
            case INT8 -> (Byte) value;
            case UINT16 -> Short.toUnsignedLong((Short) value);
            case INT16 -> (Short) value;
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case INT32 -> (Integer) value;
            case UINT64, INT64 -> (Long) value;
            case BOOL -> (Boolean) value ? 1 : 0;
            default -> throw new IllegalStateException("expected an integer but the value is " + type);
        };
    }

    /** The value as a double, from any numeric type. */
    public double asDouble() {
        return switch (type) {
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            default -> asLong();
        };
    }

    public GgufArray asArray() {
        if (type != GgufValueType.ARRAY) {
            throw new IllegalStateException("expected an array but the value is " + type);
        }
        return (GgufArray) value;
    }

    /** Human-readable form; arrays longer than {@code maxItems} are summarized. */
    public String toDisplayString(int maxItems) {
        return switch (type) {
            case STRING -> GgufArray.quote((String) value);
            case ARRAY -> asArray().toDisplayString(maxItems);
            case UINT8, UINT16, UINT32, UINT64 -> Long.toUnsignedString(asLong());
            default -> String.valueOf(value);
        };
    }
}
