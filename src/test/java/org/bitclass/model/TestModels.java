package org.bitclass.model;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;
import org.bitclass.quant.ModelQuantizer;
import org.bitclass.quant.TensorQuantizer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds model files for tests from the shared ones. */
final class TestModels {

    private TestModels() {
    }

    /** {@code source} with every matrix (2-D tensor) re-encoded as {@code type}, like {@code llama-quantize --pure}. */
    static Path withMatricesAs(Path source, GgmlType type, Path dir) throws IOException {
        Path target = dir.resolve("model-" + type + ".gguf");
        try (GgufModel in = GgufModel.open(source); TensorQuantizer quantizer = new TensorQuantizer(2);
             Arena arena = Arena.ofShared()) {
            List<TensorInfo> out = new ArrayList<>();
            for (TensorInfo t : in.tensors()) {
                out.add(t.nDims() == 2 ? t.withType(type) : t);
            }
            try (GgufWriter w = GgufWriter.create(target, in.metadata(), out)) {
                for (TensorInfo t : in.tensors()) {
                    w.append(t.nDims() == 2 ? quantizer.quantize(t, in.data(t), type, null, arena) : in.data(t));
                }
                w.commit();
            }
        }
        return target;
    }

    /**
     * {@code source} quantized by {@link ModelQuantizer} as {@code llama-quantize --pure} does: every tensor llama.cpp
     * allows to be quantized becomes {@code type}; norms, convolution kernels and other vectors keep theirs.
     */
    static Path pure(Path source, GgmlType type, Path dir) throws IOException {
        Path target = dir.resolve(source.getFileName().toString().replace(".gguf", "-" + type + ".gguf"));
        FileType fileType = FileType.forType(type).orElseThrow();
        try (GgufModel in = GgufModel.open(source)) {
            new ModelQuantizer(t -> type, fileType, null, null, false, 2).quantize(in, target, (i, n, from, to) -> { });
        }
        return target;
    }
}
