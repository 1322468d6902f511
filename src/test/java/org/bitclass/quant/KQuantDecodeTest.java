package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufFile;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding llama.cpp's golden k-quant tensors gives exactly the values of an independent reference decoder. */
class KQuantDecodeTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dequantizeOfGoldenBytesEqualsReferenceDecoder(GgmlType type) throws IOException {
        for (boolean imatrix : new boolean[] {false, true}) {
            try (GgufFile golden = GgufFile.open(SharedData.path("golden/quant/probe-" + type + (imatrix ? "-imat" : "") + ".gguf"))) {
                int checked = 0;
                for (TensorInfo t : golden.tensors()) {
                    if (t.type() != type) {
                        continue;
                    }
                    byte[] bytes = golden.data(t).toArray(ValueLayout.JAVA_BYTE);
                    float[] expected = ReferenceKDecoder.decode(type, bytes);
                    float[] actual = new float[(int) t.nElements()];
                    // decode at an offset into the destination to exercise dstOffset
                    float[] shifted = new float[actual.length + 3];
                    QuantRegistry.codec(type).dequantize(MemorySegment.ofArray(bytes), 0, shifted, 3, actual.length);
                    System.arraycopy(shifted, 3, actual, 0, actual.length);
                    assertThat(firstBitDifference(actual, expected)).as(t.name() + (imatrix ? " (imatrix)" : ""))
                            .isEqualTo("none");
                    checked++;
                }
                assertThat(checked).isEqualTo(15);
            }
        }
    }

    /** Where two float arrays first differ bit for bit (AssertJ's array diff is far too slow for a million values). */
    static String firstBitDifference(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            return "lengths " + actual.length + " and " + expected.length;
        }
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                return "value " + i + " (block " + i / 256 + "): " + actual[i] + " instead of " + expected[i];
            }
        }
        return "none";
    }
}
