package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.SharedData;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Quantizes the shared probe model tensor by tensor and compares with llama-quantize's golden files. */
final class ProbeGolden {

    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ProbeGolden() {
    }

    static Path probe() {
        return SharedData.path("models/quant-probe.gguf");
    }

    static Path golden(GgmlType type, boolean imatrix) {
        return SharedData.path("golden/quant/probe-" + type + (imatrix ? "-imat" : "") + ".gguf");
    }

    static List<String> firstFew(List<String> failures) {
        return failures.subList(0, Math.min(10, failures.size()));
    }

    static float[] row(MemorySegment f32, long row, int n) {
        float[] out = new float[n];
        MemorySegment.copy(f32, LE_FLOAT, row * n * 4L, out, 0, n);
        return out;
    }

    /**
     * Quantizes every tensor the golden file holds in {@code type} and returns one message per mismatch
     * (tensor, row, first differing block and byte); also returns how many tensors were compared via {@code compared}.
     *
     * @param importanceOf per-column importance for a tensor name, or null when it has none
     */
    static List<String> mismatches(GgmlType type, boolean imatrix, Function<String, float[]> importanceOf,
                                   int[] compared) throws IOException {
        QuantCodec codec = QuantRegistry.codec(type);
        List<String> failures = new ArrayList<>();
        try (GgufFile probe = GgufFile.open(probe()); GgufFile golden = GgufFile.open(golden(type, imatrix));
             Arena arena = Arena.ofConfined()) {
            for (TensorInfo g : golden.tensors()) {
                if (g.type() != type) {
                    continue;
                }
                compared[0]++;
                TensorInfo src = probe.tensor(g.name());
                int n = (int) g.rowLength();
                long rowBytes = type.bytesFor(n);
                MemorySegment expected = golden.data(g);
                MemorySegment input = probe.data(src);
                MemorySegment actual = arena.allocate(rowBytes);
                float[] importance = importanceOf.apply(g.name());
                for (long r = 0; r < g.rows(); r++) {
                    codec.quantizeRow(row(input, r, n), 0, n, importance, actual, 0);
                    long diff = MemorySegment.mismatch(actual, 0, rowBytes, expected, r * rowBytes, (r + 1) * rowBytes);
                    if (diff >= 0) {
                        failures.add(String.format("%s row %d: block %d differs first at byte %d (ours 0x%02x, llama.cpp 0x%02x)",
                                g.name(), r, diff / type.typeSize, diff % type.typeSize,
                                actual.get(ValueLayout.JAVA_BYTE, diff),
                                expected.get(ValueLayout.JAVA_BYTE, r * rowBytes + diff)));
                    }
                }
            }
        }
        return failures;
    }
}
