package org.bitclass.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only shared test data ({@code shared/} beside the checkout). The system property
 * {@code bitclass.shared} wins; otherwise the first {@code shared} folder found beside the working directory or one
 * of its parents (a git worktree may sit deeper than the main checkout). Missing data is a hard failure: CI has it.
 */
public final class SharedData {

    private SharedData() {
    }

    public static Path shared(String relative) {
        Path root = root();
        Path file = root.resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException("shared test data missing: " + file);
        }
        return file;
    }

    private static Path root() {
        String configured = System.getProperty("bitclass.shared");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (dir.getParent() != null && Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/ test data beside " + Path.of("").toAbsolutePath()
                + " or its parents; set -Dbitclass.shared=PATH");
    }
}
