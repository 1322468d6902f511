package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tensor of a model with the type a recipe gives it, in llama.cpp's visiting (and writing) order, plus the
 * warnings llama-quantize would print while choosing them.
 *
 * @param tensors  the model's tensors, each with its target type (unquantizable ones keep their own)
 * @param warnings one line each, for the user
 */
public record RecipePlan(FileType fileType, List<TensorInfo> tensors, List<String> warnings) {

    public RecipePlan {
        tensors = List.copyOf(tensors);
        warnings = List.copyOf(warnings);
    }

    /** Name to target type, in plan order. */
    public Map<String, GgmlType> types() {
        Map<String, GgmlType> out = new LinkedHashMap<>();
        tensors.forEach(t -> out.put(t.name(), t.type()));
        return out;
    }

    /** Bytes of tensor data the plan writes (llama-quantize's "quant size", padding excluded). */
    public long bytes() {
        return tensors.stream().mapToLong(TensorInfo::nBytes).sum();
    }

    public long elements() {
        return tensors.stream().mapToLong(TensorInfo::nElements).sum();
    }

    /** Bits per weight over all tensors, as llama-quantize prints it. */
    public double bpw() {
        return 8.0 * bytes() / elements();
    }
}
