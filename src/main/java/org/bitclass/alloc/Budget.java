package org.bitclass.alloc;

import org.bitclass.quant.FileType;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size budget as the user gives it: a whole-file size in bytes, the size of a stock file type's recipe for the
 * model being allocated, or llama-quantize's bits per weight.
 */
public sealed interface Budget {

    record Bytes(long bytes) implements Budget {
    }

    /** The size llama-quantize's recipe of {@code level} would have for this model. */
    record Level(FileType level) implements Budget {
    }

    /** Tensor bytes × 8 over all elements, as llama-quantize prints BPW. */
    record Bpw(double bpw) implements Budget {
    }

    Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KB|KIB|MB|MIB|GB|GIB)?", Pattern.CASE_INSENSITIVE);

    /** Parses {@code --target-size}: {@code 4790848}, {@code 4.5MiB}, {@code 2GB}, or a file type such as {@code Q4_K_M}. */
    static Budget parseSize(String text) {
        var level = FileType.parse(text.strip());
        if (level.isPresent()) {
            return new Level(level.get());
        }
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--target-size takes bytes (e.g. 4790848, 4.5MiB, 2GB) or a file type"
                    + " (e.g. Q4_K_M), not '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        double scale = switch (unit) {
            case "KB" -> 1e3;
            case "KIB" -> 1024;
            case "MB" -> 1e6;
            case "MIB" -> 1024.0 * 1024;
            case "GB" -> 1e9;
            case "GIB" -> 1024.0 * 1024 * 1024;
            default -> 1;
        };
        long bytes = (long) Math.floor(value * scale);
        if (bytes <= 0) {
            throw new IllegalArgumentException("--target-size must be positive, not '" + text + "'");
        }
        return new Bytes(bytes);
    }

    static Budget bpw(double bpw) {
        if (!(bpw > 0 && bpw <= 32)) {
            throw new IllegalArgumentException("--target-bpw must be between 0 and 32, not " + bpw);
        }
        return new Bpw(bpw);
    }
}
