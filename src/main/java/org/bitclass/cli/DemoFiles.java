package org.bitclass.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The demo model and texts bundled in the checkout's {@code demo/} folder. */
final class DemoFiles {

    static final String MODEL = "minima-qwen3-bf16.gguf";
    static final String CALIBRATION_TEXT = "kjv-calib.txt";
    static final String TEST_TEXT = "kjv-test.txt";

    private DemoFiles() {
    }

    /** The demo folder: under {@code bitclass.home} (set by the launcher), else under the working directory. */
    static Path folder() {
        Path home = Path.of(System.getProperty("bitclass.home", ""));
        Path dir = home.resolve("demo").toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(MODEL))) {
            throw new IllegalStateException("the bundled demo model is missing: expected " + dir.resolve(MODEL));
        }
        return dir;
    }

    static Path file(String name) {
        return folder().resolve(name);
    }
}
