package org.bitclass.gguf;

import java.lang.reflect.Array;
import java.util.Objects;

/**
 * A metadata array: the element type and a Java array of the elements. Numeric arrays are primitive arrays
 * (byte[] for UINT8/INT8/BOOL, short[], int[], long[], float[], double[]); strings are String[]; nested arrays
 * are GgufArray[].
 */
public record GgufArray(GgufValueType elementType, Object elements) {

    public GgufArray {
        Objects.requireNonNull(elementType);
        if (!elements.getClass().isArray()) {
            throw new IllegalArgumentException("elements must be a Java array");
        }
    }

    public static GgufArray ofStrings(String... values) {
        return new GgufArray(GgufValueType.STRING, values);
    }

    public static GgufArray ofInt32(int... values) {
        return new GgufArray(GgufValueType.INT32, values);
    }

    public static GgufArray ofFloat32(float... values) {
        return new GgufArray(GgufValueType.FLOAT32, values);
    }

    public int length() {
        return Array.getLength(elements);
    }

    public String[] strings() {
        if (elementType != GgufValueType.STRING) {
            throw new IllegalStateException("expected an array of strings, found an array of " + elementType);
        }
        return (String[]) elements;
    }

    /** Integer elements widened to long (unsigned types read as unsigned). */
    public long[] longs() {
        long[] out = new long[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = element(i).asLong();
        }
        return out;
    }

    /** Numeric elements as floats. */
    public float[] floats() {
        if (elements instanceof float[] f) {
            return f.clone();
        }
        float[] out = new float[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) element(i).asDouble();
        }
        return out;
    }

    /** Element {@code i} as a typed value. */
    public GgufValue element(int i) {
        Object v = switch (elementType) {
            case BOOL -> ((byte[]) elements)[i] != 0;
            default -> Array.get(elements, i);
        };
        return new GgufValue(elementType, v);
    }

    String toDisplayString(int maxItems) {
        int n = length();
        int shown = Math.min(n, Math.max(0, maxItems));
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(element(i).toDisplayString(maxItems));
        }
        if (shown < n) {
            sb.append(shown == 0 ? "" : ", ").append("... ").append(n - shown).append(" more");
        }
        sb.append(']');
        return (shown < n ? elementType + "[" + n + "] " : "") + sb;
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
