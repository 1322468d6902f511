package org.bitclass.gguf;

import java.util.Optional;

/** The value types of GGUF metadata, with their on-disk ids and fixed sizes (-1: variable length). */
public enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(-1), ARRAY(-1),
    UINT64(8), INT64(8), FLOAT64(8);

    /** Size in bytes of one value, or -1 for STRING and ARRAY. */
    public final int size;

    GgufValueType(int size) {
        this.size = size;
    }

    /** The on-disk id is the declaration order. */
    public int id() {
        return ordinal();
    }

    public static Optional<GgufValueType> byId(int id) {
        GgufValueType[] all = values();
        return id >= 0 && id < all.length ? Optional.of(all[id]) : Optional.empty();
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }
}
