package org.bitclass.model;

import org.bitclass.gguf.GgufModel;
import org.bitclass.model.kernel.QuantizedBatches;
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

    /** Opens a model whose products carry llama.cpp's bits. */
    public static LanguageModel open(Path path, int threads) throws IOException {
        return open(path, threads, QuantizedBatches.EXACT);
    }

    public static LanguageModel open(Path path, int threads, QuantizedBatches batches) throws IOException {
        return open(GgufModel.open(path), threads, batches);
    }

    /**
     * Opens an already opened file (with its in-memory replacements); the model takes ownership of it.
     * {@code batches} says how batches of quantized weights are multiplied.
     */
    public static LanguageModel open(GgufModel gguf, int threads, QuantizedBatches batches) {
        WorkerPool pool = null;
        try {
            Architecture arch = Architecture.of(gguf.metadata().architecture());
            pool = new WorkerPool(threads);
            return arch == Architecture.QWEN35 ? new Qwen35Transformer(gguf, pool, batches)
                    : new DenseTransformer(gguf, pool, batches);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            gguf.close();
            throw e;
        }
    }
}
