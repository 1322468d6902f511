package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that knows which codec serves each tensor type, and llama.cpp's fallback type for a row
 * length the type's block does not divide. Block geometry and bits per weight are on {@link GgmlType}.
 */
public final class QuantRegistry {

    private static final Map<GgmlType, QuantCodec> CODECS = new EnumMap<>(GgmlType.class);

    static {
        register(new FloatCodec(GgmlType.F32));
        register(new FloatCodec(GgmlType.F16));
        register(new FloatCodec(GgmlType.BF16));
        register(new SymmetricCodec(GgmlType.Q4_0, 4));
        register(new SymmetricCodec(GgmlType.Q5_0, 5));
        register(new AffineCodec(GgmlType.Q4_1, 4));
        register(new AffineCodec(GgmlType.Q5_1, 5));
        register(new Int8Codec(GgmlType.Q8_0, false));
        register(new Int8Codec(GgmlType.Q8_1, true));
        register(new NonLinear4Codec(GgmlType.IQ4_NL));
        register(new NonLinear4Codec(GgmlType.IQ4_XS));
        register(new Mxfp4Codec());
        register(new TernaryCodec(GgmlType.TQ1_0));
        register(new TernaryCodec(GgmlType.TQ2_0));
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

    /**
     * The type llama-quantize actually writes when asked for {@code wanted} on rows of {@code rowLength}
     * values ({@code tensor_type_fallback}): {@code wanted} itself when its block divides the row, else a
     * 32-block type of similar size (IQ* → IQ4_NL; Q2_K, Q3_K, TQ*, Q2_0 → Q4_0; Q4_K → Q5_0; Q5_K → Q5_1;
     * Q6_K → Q8_0), and F16 when not even 32 divides the row.
     *
     * @throws IllegalArgumentException when llama.cpp defines no fallback for {@code wanted} (it aborts too)
     */
    public static GgmlType fallbackFor(GgmlType wanted, long rowLength) {
        if (rowLength % wanted.blockSize == 0) {
            return wanted;
        }
        GgmlType fallback = switch (wanted) {
            case IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_XS -> GgmlType.IQ4_NL;
            case Q2_0, Q2_K, Q3_K, TQ1_0, TQ2_0 -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException("no tensor type fallback is defined for type "
                    + ggmlName(wanted) + " (row length " + rowLength + " is not a multiple of " + wanted.blockSize + ")");
        };
        return rowLength % fallback.blockSize == 0 ? fallback : GgmlType.F16;
    }

    /**
     * The warning llama-quantize prints (one line, with its newline) when {@code tensorName} needs a fallback,
     * or empty when {@code wanted} fits the row.
     */
    public static Optional<String> fallbackWarning(String tensorName, GgmlType wanted, long rowLength) {
        GgmlType used = fallbackFor(wanted, rowLength);
        if (used == wanted) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "warning: %-36s - ncols %6d not divisible by %3d (required for type %7s) ",
                tensorName, rowLength, wanted.blockSize, ggmlName(wanted)));
        if (used == GgmlType.F16) {
            sb.append("(WARNING: must use F16 due to unusual shape) ");
        }
        sb.append(String.format(Locale.ROOT, "-> falling back to %7s\n", ggmlName(used)));
        return Optional.of(sb.toString());
    }

    /** The type's name as ggml prints it ({@code q4_0}, {@code iq4_nl}, {@code bf16}). */
    public static String ggmlName(GgmlType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
