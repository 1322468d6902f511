package org.bitclass.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only shared test data ({@code ../shared} beside the checkout; CI has it too).
 * The system property {@code bitclass.shared} overrides the location.
 */
public final class SharedData {

    private static final Path ROOT = locate();

    private SharedData() {
    }

    private static Path locate() {
        String prop = System.getProperty("bitclass.shared");
        if (prop != null) {
            return Path.of(prop);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isRegularFile(candidate.resolve("README.md"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared test data not found: expected ../shared beside the checkout");
    }

    /** A path below the shared folder, e.g. {@code path("models/quant-probe.gguf")}; fails if it does not exist. */
    public static Path path(String relative) {
        Path p = ROOT.resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing shared test file: " + p);
        }
        return p;
    }
}
