package org.bitclass.model;

import org.bitclass.gguf.GgufModel;
import org.bitclass.model.kernel.WorkerPool;

import java.io.IOException;
import java.nio.file.Path;

/** Opens a GGUF model for inference, choosing the implementation from {@code general.architecture}. */
public final class Models {

    private Models() {
    }

    /** Threads used when the caller does not say: one per available processor. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static LanguageModel open(Path path, int threads) throws IOException {
        return open(GgufModel.open(path), threads);
    }

    /** Opens an already opened file (with its in-memory replacements); the model takes ownership of it. */
    public static LanguageModel open(GgufModel gguf, int threads) {
        WorkerPool pool = null;
        try {
            Architecture arch = Architecture.of(gguf.metadata().architecture());
            pool = new WorkerPool(threads);
            return arch == Architecture.QWEN35 ? new Qwen35Transformer(gguf, pool) : new DenseTransformer(gguf, pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            gguf.close();
            throw e;
        }
    }
}
