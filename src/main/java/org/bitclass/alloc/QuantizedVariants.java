package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.model.LanguageModel;
import org.bitclass.model.Models;
import org.bitclass.model.kernel.QuantizedBatches;
import org.bitclass.quant.Imatrix;
import org.bitclass.quant.TensorQuantizer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens the source model with some tensors quantized in memory, as {@code quantize} would write them (same
 * quantizer, same importance weights), without writing a file. A tensor quantized to a type once is kept for the
 * next variant that asks for it.
 */
final class QuantizedVariants implements AutoCloseable {

    private record Key(String tensor, GgmlType type) {
    }

    private final Path source;
    private final Imatrix imatrix;
    private final int threads;
    private final TensorQuantizer quantizer;
    private final Arena arena = Arena.ofShared();
    private final Map<Key, MemorySegment> quantized = new HashMap<>();

    QuantizedVariants(Path source, Imatrix imatrix, int threads) {
        this.source = source;
        this.imatrix = imatrix;
        this.threads = threads;
        this.quantizer = new TensorQuantizer(threads);
    }

    /** The source model with each tensor of {@code types} stored as its type there; the caller closes it. */
    LanguageModel open(Map<String, GgmlType> types) throws IOException {
        GgufModel gguf = GgufModel.open(source);
        try {
            for (var e : types.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                TensorInfo t = gguf.tensor(e.getKey());
                if (t.type() != e.getValue()) {
                    gguf.replace(t.name(), e.getValue(), quantize(gguf, t, e.getValue()));
                }
            }
            return Models.open(gguf, threads, QuantizedBatches.EXACT);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    private synchronized MemorySegment quantize(GgufModel gguf, TensorInfo t, GgmlType type) {
        return quantized.computeIfAbsent(new Key(t.name(), type), k ->
                quantizer.quantize(t, gguf.data(t), type, TensorErrors.importance(imatrix, t), arena));
    }

    @Override
    public void close() {
        quantizer.close();
        arena.close();
    }
}
