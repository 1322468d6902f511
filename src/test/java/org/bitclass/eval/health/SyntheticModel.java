package org.bitclass.eval.health;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufMetadata;
import org.bitclass.gguf.GgufWriter;
import org.bitclass.gguf.TensorInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes small F32 GGUF files with chosen values, for the health scan tests. */
final class SyntheticModel {

    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    SyntheticModel add(String name, long[] shape, float[] data) {
        values.put(name, data);
        shapes.put(name, shape);
        return this;
    }

    Path write(Path target) throws IOException {
        List<TensorInfo> tensors = new ArrayList<>();
        shapes.forEach((name, shape) -> tensors.add(new TensorInfo(name, shape, GgmlType.F32, 0)));
        try (GgufWriter w = GgufWriter.create(target, new GgufMetadata().putString("general.architecture", "test"),
                tensors)) {
            for (float[] data : values.values()) {
                ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(data);
                w.append(b.array());
            }
            w.commit();
        }
        return target;
    }
}
