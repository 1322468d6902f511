package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes a quantized copy of a model as llama-quantize does: the same tensor order, metadata (file type,
 * quantization version and imatrix provenance appended), per-tensor types from a {@link Function} the caller
 * supplies (a uniform type, a recipe or an allocation), importance weights from an imatrix, and the output
 * streamed tensor by tensor through a temporary file.
 */
public final class ModelQuantizer {

    /** Notified as each tensor is written. */
    public interface Progress {
        void tensorDone(int index, int count, TensorInfo from, GgmlType to);
    }

    /** What was written, for the summary line. */
    public record Summary(long elements, long bytesIn, long bytesOut, List<String> warnings) {
        public double bpwIn() {
            return 8.0 * bytesIn / elements;
        }

        public double bpwOut() {
            return 8.0 * bytesOut / elements;
        }
    }

    private final Function<TensorInfo, GgmlType> typeOf;
    private final FileType fileType;
    private final Imatrix imatrix;
    private final String imatrixName;
    private final boolean allowRequantize;
    private final int threads;

    /**
     * @param typeOf      the type each quantizable tensor should get (before llama.cpp's shape fallback)
     * @param imatrix     importance weights, or null
     * @param imatrixName how the imatrix file is recorded in the output's metadata
     */
    public ModelQuantizer(Function<TensorInfo, GgmlType> typeOf, FileType fileType, Imatrix imatrix, String imatrixName,
                          boolean allowRequantize, int threads) {
        this.typeOf = typeOf;
        this.fileType = fileType;
        this.imatrix = imatrix;
        this.imatrixName = imatrixName;
        this.allowRequantize = allowRequantize;
        this.threads = threads;
    }

    /**
     * Refuses, before any work, a GGUF that is no model to quantize: an imatrix file, or a file without weight
     * matrices (which would give an output of metadata only).
     */
    public static void checkSource(GgufModel model) {
        if (model.metadata().contains("imatrix.datasets")) {
            throw new IllegalArgumentException(model.path() + " is an imatrix file, not a model: give it with --imatrix");
        }
        if (model.tensors().stream().noneMatch(QuantizableTensors::allowsQuantization)) {
            throw new IllegalArgumentException(model.path() + " holds no weight matrices to quantize: is it a model?");
        }
        if (!model.metadata().contains("general.architecture")) {
            throw new IllegalArgumentException(model.path() + " is not a model: it has no general.architecture");
        }
    }

    /** The type every tensor of {@code model} gets, in output order. */
    public List<TensorInfo> plan(GgufModel model) {
        List<TensorInfo> out = new ArrayList<>();
        for (TensorInfo t : model.tensors().stream().sorted(QuantizableTensors.LLAMA_ORDER).toList()) {
            GgmlType type = t.type();
            if (QuantizableTensors.allowsQuantization(t)) {
                type = QuantRegistry.fallbackFor(typeOf.apply(t), t.rowLength());
            }
            out.add(t.withType(type));
        }
        return out;
    }

    /** Receives each tensor's bytes in output order; the segment is valid only during the call. */
    public interface TensorSink {
        void accept(int index, TensorInfo source, TensorInfo target, MemorySegment data) throws IOException;
    }

    public Summary quantize(GgufModel model, Path output, Progress progress) throws IOException {
        List<TensorInfo> plan = plan(model);
        try (GgufWriter writer = GgufWriter.create(output, metadata(model.metadata()), plan)) {
            Summary summary = convert(model, plan, (i, source, target, data) -> {
                writer.append(data);
                progress.tensorDone(i, plan.size(), source, target.type());
            });
            writer.commit();
            return summary;
        }
    }

    /**
     * Checks {@code plan} (from {@link #plan}) against the model and the imatrix, then gives every tensor to
     * {@code sink} in plan order: quantized when its type changes, else the source bytes as they are.
     */
    public Summary convert(GgufModel model, List<TensorInfo> plan, TensorSink sink) throws IOException {
        List<String> warnings = new ArrayList<>();
        checkPlan(model, plan, warnings);
        long elements = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        try (TensorQuantizer quantizer = new TensorQuantizer(threads)) {
            for (int i = 0; i < plan.size(); i++) {
                TensorInfo target = plan.get(i);
                TensorInfo source = model.tensor(target.name());
                MemorySegment data = model.data(source);
                if (source.type() == target.type()) {
                    sink.accept(i, source, target, data);
                } else {
                    try (Arena arena = Arena.ofShared()) {
                        sink.accept(i, source, target,
                                quantizer.quantize(source, data, target.type(), importance(source), arena));
                    }
                }
                elements += source.nElements();
                bytesIn += source.nBytes();
                bytesOut += target.nBytes();
            }
        }
        return new Summary(elements, bytesIn, bytesOut, warnings);
    }

    private void checkPlan(GgufModel model, List<TensorInfo> plan, List<String> warnings) {
        List<String> changed = new ArrayList<>();
        for (TensorInfo target : plan) {
            TensorInfo source = model.tensor(target.name());
            if (source.type() == target.type()) {
                continue;
            }
            changed.add(source.name());
            if (source.type().isQuantized() && !allowRequantize) {
                throw new IllegalArgumentException("tensor '" + source.name() + "' is already quantized ("
                        + source.type() + "); requantizing loses quality, pass --allow-requantize to do it anyway");
            }
            if (!QuantRegistry.codec(target.type()).canQuantize()) {
                throw new IllegalArgumentException("cannot quantize to " + target.type() + " (decode-only here)");
            }
            importance(source); // an entry of the wrong size fails here, before any work
        }
        if (imatrix == null || changed.isEmpty()) {
            return;
        }
        Set<String> missing = Set.copyOf(ImatrixMatch.check(imatrix, imatrixName, model));
        changed.stream().filter(missing::contains).forEach(name -> warnings.add("no importance weights for " + name
                + " (quantized without them, as llama.cpp does)"));
    }

    /** The tensor's importance vector, or null (llama-quantize's size rules: see {@link Imatrix#importanceFor}). */
    private float[] importance(TensorInfo t) {
        return imatrix == null ? null : imatrix.importanceFor(t).orElse(null);
    }

    /** Input metadata with llama-quantize's changes: keys it sets move to the end, split keys go. */
    public GgufMetadata metadata(GgufMetadata input) {
        GgufMetadata m = new GgufMetadata(input);
        m.remove("general.quantization_version").putUInt32("general.quantization_version", 2);
        m.remove("general.file_type").putUInt32("general.file_type", fileType.id);
        m.remove("split.no").remove("split.count").remove("split.tensors.count");
        if (imatrix != null) {
            m.remove("quantize.imatrix.file").putString("quantize.imatrix.file", imatrixName);
            if (!imatrix.datasets().isEmpty()) {
                m.remove("quantize.imatrix.dataset").putString("quantize.imatrix.dataset", imatrix.datasets().getFirst());
            }
            m.remove("quantize.imatrix.entries_count").put("quantize.imatrix.entries_count",
                    GgufValue.ofUInt32(imatrix.entryCount()));
            m.remove("quantize.imatrix.chunks_count").put("quantize.imatrix.chunks_count",
                    GgufValue.ofUInt32(imatrix.chunkCount()));
        }
        return m;
    }
}
