package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * llama.cpp's file types ({@code general.file_type}): the name a user asks for, the id stored in the file and the
 * tensor type its recipe is built around. Plain type names (Q4_K, Q5_K, Q3_K) are llama-quantize's aliases of the
 * _M recipes.
 */
public enum FileType {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    Q4_0(2, GgmlType.Q4_0),
    Q4_1(3, GgmlType.Q4_1),
    Q8_0(7, GgmlType.Q8_0),
    Q5_0(8, GgmlType.Q5_0),
    Q5_1(9, GgmlType.Q5_1),
    Q2_K(10, GgmlType.Q2_K),
    Q3_K_S(11, GgmlType.Q3_K),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_L(13, GgmlType.Q3_K),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K),
    IQ4_NL(25, GgmlType.IQ4_NL),
    IQ4_XS(30, GgmlType.IQ4_XS),
    BF16(32, GgmlType.BF16);

    public final int id;
    public final GgmlType baseType;

    FileType(int id, GgmlType baseType) {
        this.id = id;
        this.baseType = baseType;
    }

    /**
     * Parses a file type as llama-quantize accepts it: a name in any case, a plain tensor type name (Q3_K, Q4_K,
     * Q5_K: the _M recipes) or the numeric id.
     */
    public static Optional<FileType> parse(String name) {
        if (!name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9') && name.length() < 10) {
            int id = Integer.parseInt(name);
            return Arrays.stream(values()).filter(f -> f.id == id).findFirst();
        }
        String n = name.toUpperCase(Locale.ROOT);
        String canonical = switch (n) {
            case "Q3_K" -> "Q3_K_M";
            case "Q4_K" -> "Q4_K_M";
            case "Q5_K" -> "Q5_K_M";
            default -> n;
        };
        return Arrays.stream(values()).filter(f -> f.name().equals(canonical)).findFirst();
    }

    /** The file type whose recipe is built around {@code type} (the _M variant for k-quants). */
    public static Optional<FileType> forType(GgmlType type) {
        return parse(type.name());
    }

    /** Every name {@link #parse} accepts (besides numeric ids), the one list of file types shown to users. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(Arrays.stream(values()).map(Enum::name).toList());
        names.addAll(List.of("Q3_K", "Q4_K", "Q5_K"));
        return names;
    }

    public static String validNames() {
        return String.join(", ", names());
    }
}
