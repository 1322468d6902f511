package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Our quantization of the probe model against llama-quantize's output, byte for byte, tensor by tensor; the
 * tensors rotate over quantizers with 1, 2 and 3 threads, so each thread count must reproduce llama.cpp.
 */
class QuantGoldenTest {

    private static GgufFile probe;
    private static Imatrix imatrix;
    private static final TensorQuantizer[] QUANTIZERS = new TensorQuantizer[3];

    @BeforeAll
    static void open() throws IOException {
        probe = GgufFile.open(SharedData.path("models/quant-probe.gguf"));
        imatrix = Imatrix.read(SharedData.path("golden/quant/probe.imatrix.gguf"));
        for (int i = 0; i < QUANTIZERS.length; i++) {
            QUANTIZERS[i] = new TensorQuantizer(i + 1);
        }
    }

    @AfterAll
    static void close() {
        for (TensorQuantizer q : QUANTIZERS) {
            q.close();
        }
        probe.close();
    }

    @ParameterizedTest(name = "{0} imatrix={1}")
    @CsvSource({
            "Q8_0, false", "Q4_0, false", "Q4_1, false", "Q5_0, false", "Q5_1, false",
            "IQ4_NL, false", "IQ4_XS, false", "F16, false", "BF16, false",
            "Q4_0, true", "Q4_1, true", "Q5_0, true", "Q5_1, true", "IQ4_NL, true", "IQ4_XS, true",
            "Q2_K, false", "Q3_K, false", "Q4_K, false", "Q5_K, false", "Q6_K, false",
            "Q2_K, true", "Q3_K, true", "Q4_K, true", "Q5_K, true", "Q6_K, true"})
    void everyTensorMatchesLlamaQuantize(GgmlType requested, boolean withImatrix) throws IOException {
        String file = "golden/quant/probe-" + requested + (withImatrix ? "-imat" : "") + ".gguf";
        int compared = 0;
        int weighted = 0;
        try (GgufFile golden = GgufFile.open(SharedData.path(file)); Arena arena = Arena.ofShared()) {
            for (TensorInfo expected : golden.tensors()) {
                TensorInfo source = probe.tensor(expected.name());
                assertThat(expected.shape()).as(expected.name()).isEqualTo(source.shape());
                if (source.nDims() < 2) {
                    assertThat(expected.type()).as(expected.name()).isEqualTo(GgmlType.F32);
                    continue;
                }
                GgmlType type = QuantRegistry.fallbackFor(requested, source.rowLength());
                assertThat(expected.type()).as("type of " + expected.name()).isEqualTo(type);
                float[] importance = withImatrix ? imatrix.importanceFor(source).orElse(null) : null;
                weighted += importance != null ? 1 : 0;
                TensorQuantizer quantizer = QUANTIZERS[compared % QUANTIZERS.length];
                MemorySegment ours = quantizer.quantize(source, probe.data(source), type, importance, arena);
                assertSameBytes(expected, ours, golden.data(expected));
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(14);
        if (withImatrix) {
            assertThat(weighted).isGreaterThanOrEqualTo(14);
        }
    }

    private static void assertSameBytes(TensorInfo tensor, MemorySegment ours, MemorySegment theirs) {
        long at = ours.mismatch(theirs);
        if (at < 0) {
            return;
        }
        long rowBytes = tensor.type().bytesFor(tensor.rowLength());
        long row = at / rowBytes;
        long block = at % rowBytes / tensor.type().typeSize;
        long blockStart = row * rowBytes + block * tensor.type().typeSize;
        HexFormat hex = HexFormat.ofDelimiter(" ");
        fail("%s (%s %s): first difference at byte %d = row %d, block %d%n ours:  %s%n llama: %s".formatted(
                tensor.name(), tensor.type(), tensor.shapeString(), at, row, block,
                hex.formatHex(ours.asSlice(blockStart, tensor.type().typeSize).toArray(ValueLayout.JAVA_BYTE)),
                hex.formatHex(theirs.asSlice(blockStart, tensor.type().typeSize).toArray(ValueLayout.JAVA_BYTE))));
    }
}
