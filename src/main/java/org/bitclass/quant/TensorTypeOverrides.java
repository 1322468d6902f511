package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.io.TextFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * llama-quantize's {@code --tensor-type REGEX=TYPE} rules: the first rule whose regex is found in a tensor's
 * name gives its type. As llama-quantize does, the text before the first {@code =} is lower-cased before it
 * is compiled, and the type is a tensor type name ({@code q6_k}, {@code Q8_0}, {@code f16}), any case.
 */
public record TensorTypeOverrides(List<Rule> rules) {

    public static final TensorTypeOverrides NONE = new TensorTypeOverrides(List.of());

    /** The tensor types a rule (or an output/token-embedding type) may name: those we can write. */
    private static final List<GgmlType> WRITABLE = Arrays.stream(FileType.values()).map(f -> f.baseType)
            .distinct().toList();

    /** A regex, the type it gives, and the rule as the user wrote it (for messages). */
    public record Rule(Pattern pattern, GgmlType type, String spec) {
    }

    public TensorTypeOverrides {
        rules = List.copyOf(rules);
    }

    public static TensorTypeOverrides parse(List<String> specs) {
        List<Rule> out = new ArrayList<>();
        for (String spec : specs) {
            out.add(parseRule(spec));
        }
        return new TensorTypeOverrides(out);
    }

    private static Rule parseRule(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("--tensor-type expects REGEX=TYPE, got '" + spec + "'");
        }
        if (eq == 0) {
            throw new IllegalArgumentException("--tensor-type '" + spec + "' has no tensor name before '='");
        }
        if (eq == spec.length() - 1) {
            throw new IllegalArgumentException("--tensor-type '" + spec + "' has no type after '='");
        }
        GgmlType type = parseType(spec.substring(eq + 1), "--tensor-type");
        try {
            return new Rule(Pattern.compile(spec.substring(0, eq).toLowerCase(Locale.ROOT)), type, spec);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regex in --tensor-type '" + spec + "': " + e.getDescription());
        }
    }

    /**
     * The words of a {@code --tensor-type-file}: {@code REGEX=TYPE} rules separated by spaces or newlines, as
     * llama-quantize reads them.
     */
    public static List<String> readFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--tensor-type-file: no such file: " + file);
        }
        return Arrays.stream(TextFiles.read(file).split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /** A tensor type name as llama-quantize's options take it, any case; {@code option} names the flag in errors. */
    public static GgmlType parseType(String name, String option) {
        return GgmlType.byName(name).filter(WRITABLE::contains).orElseThrow(() -> new IllegalArgumentException(
                "unknown type '" + name + "' in " + option + "; valid types: " + String.join(", ", typeNames())));
    }

    /** The tensor types a rule may name, the one list of tensor types shown to users. */
    public static List<String> typeNames() {
        return WRITABLE.stream().map(Enum::name).toList();
    }

    /** The index of the first rule whose regex is found in {@code tensorName}. */
    public OptionalInt firstMatch(String tensorName) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).pattern().matcher(tensorName).find()) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The type of the first rule matching {@code tensorName}. */
    public Optional<GgmlType> typeFor(String tensorName) {
        OptionalInt i = firstMatch(tensorName);
        return i.isPresent() ? Optional.of(rules.get(i.getAsInt()).type()) : Optional.empty();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }
}
