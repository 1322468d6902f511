package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code REGEX=TYPE} rules that pick a tensor's type by name; the first rule whose regex is found in the name wins. */
public record TensorTypeOverrides(List<Rule> rules) {

    /** A regex and the type it gives. */
    public record Rule(Pattern pattern, GgmlType type) {
    }

    public static TensorTypeOverrides parse(List<String> specs) {
        List<Rule> out = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.lastIndexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--tensor-type expects REGEX=TYPE, got '" + spec + "'");
            }
            String typeName = spec.substring(eq + 1);
            GgmlType type = FileType.parse(typeName).map(f -> f.baseType).orElseThrow(() -> new IllegalArgumentException(
                    "unknown type '" + typeName + "' in --tensor-type; valid types: " + FileType.validNames()));
            try {
                out.add(new Rule(Pattern.compile(spec.substring(0, eq)), type));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regex in --tensor-type '" + spec + "': " + e.getDescription());
            }
        }
        return new TensorTypeOverrides(List.copyOf(out));
    }

    /** The type for each tensor: the first matching rule's, else {@code fallback}. */
    public Function<TensorInfo, GgmlType> over(GgmlType fallback) {
        return t -> rules.stream().filter(r -> r.pattern().matcher(t.name()).find()).map(Rule::type)
                .findFirst().orElse(fallback);
    }
}
