package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that knows which codec serves each tensor type, and llama.cpp's fallback type for a row
 * length the type's block does not divide.
 */
public final class QuantRegistry {

    private static final Map<GgmlType, QuantCodec> CODECS = new EnumMap<>(GgmlType.class);

    static {
        register(new Q2KCodec());
        register(new Q3KCodec());
        register(new Q4KCodec());
        register(new Q5KCodec());
        register(new Q6KCodec());
        register(new Q8KCodec());
    }

    private QuantRegistry() {
    }

    private static void register(QuantCodec codec) {
        CODECS.put(codec.type(), codec);
    }

    public static Optional<QuantCodec> find(GgmlType type) {
        return Optional.ofNullable(CODECS.get(type));
    }

    public static QuantCodec codec(GgmlType type) {
        return find(type).orElseThrow(() -> new UnsupportedOperationException("tensor type " + type + " is not supported"));
    }
}
