package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorQuantizerTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(GgmlType.Q4_0, new long[]{64, 7}, true),
                Arguments.of(GgmlType.Q5_1, new long[]{96, 5, 3}, true),
                Arguments.of(GgmlType.IQ4_XS, new long[]{512, 3, 2}, true),
                Arguments.of(GgmlType.IQ4_NL, new long[]{32, 11}, false),
                Arguments.of(GgmlType.Q8_0, new long[]{256, 1}, false),
                Arguments.of(GgmlType.BF16, new long[]{10, 4}, false));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void bytesDoNotDependOnTheThreadCountAndEachMatrixUsesItsImportanceSlice(GgmlType type, long[] shape,
                                                                            boolean withImportance) {
        TensorInfo t = new TensorInfo("blk.0.test.weight", shape, GgmlType.F32, 0);
        Random rnd = new Random(Arrays.hashCode(shape));
        float[] values = new float[(int) t.nElements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rnd.nextGaussian() * (1 + i % 7));
        }
        long matrices = t.rows() / t.dim(1);
        float[] importance = null;
        if (withImportance) {
            importance = new float[(int) (t.rowLength() * matrices)];
            for (int i = 0; i < importance.length; i++) {
                importance[i] = (float) Math.exp(rnd.nextGaussian() * 2);
            }
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
            byte[] single = quantize(1, t, src, type, importance, arena);
            assertThat(quantize(2, t, src, type, importance, arena)).isEqualTo(single);
            assertThat(quantize(3, t, src, type, importance, arena)).isEqualTo(single);
            assertThat(single).isEqualTo(rowByRow(t, values, type, importance));
        }
    }

    private static byte[] quantize(int threads, TensorInfo t, MemorySegment src, GgmlType type, float[] importance,
                                   Arena arena) {
        try (TensorQuantizer q = new TensorQuantizer(threads)) {
            return q.quantize(t, src, type, importance, arena).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Each row by itself with its matrix's slice of the importance, as llama-quantize loops over experts. */
    private static byte[] rowByRow(TensorInfo t, float[] values, GgmlType type, float[] importance) {
        int n = (int) t.rowLength();
        long rowBytes = type.bytesFor(n);
        MemorySegment out = MemorySegment.ofArray(new byte[(int) (rowBytes * t.rows())]);
        for (int r = 0; r < t.rows(); r++) {
            int matrix = (int) (r / t.dim(1));
            float[] slice = importance == null ? null : Arrays.copyOfRange(importance, matrix * n, (matrix + 1) * n);
            QuantRegistry.codec(type).quantizeRow(values, r * n, n, slice, out, r * rowBytes);
        }
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void sourcesInF16AndBf16AreDecodedBeforeQuantizing() {
        int n = 64;
        Random rnd = new Random(5);
        float[] values = new float[n * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rnd.nextGaussian();
        }
        try (Arena arena = Arena.ofShared(); TensorQuantizer q = new TensorQuantizer(2)) {
            for (GgmlType srcType : new GgmlType[]{GgmlType.F16, GgmlType.BF16}) {
                TensorInfo half = new TensorInfo("w", new long[]{n, 3}, srcType, 0);
                MemorySegment encoded = q.quantize(new TensorInfo("w", new long[]{n, 3}, GgmlType.F32, 0),
                        arena.allocateFrom(ValueLayout.JAVA_FLOAT, values), srcType, null, arena);
                float[] decoded = new float[values.length];
                for (int i = 0; i < decoded.length; i++) {
                    short bits = encoded.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i);
                    decoded[i] = srcType == GgmlType.F16 ? Float.float16ToFloat(bits)
                            : Float.intBitsToFloat((bits & 0xffff) << 16);
                }
                MemorySegment viaHalf = q.quantize(half, encoded, GgmlType.Q4_1, null, arena);
                MemorySegment viaFloats = q.quantize(new TensorInfo("w", new long[]{n, 3}, GgmlType.F32, 0),
                        arena.allocateFrom(ValueLayout.JAVA_FLOAT, decoded), GgmlType.Q4_1, null, arena);
                assertThat(viaHalf.mismatch(viaFloats)).as(srcType.toString()).isEqualTo(-1L);
            }
        }
    }

    @Test
    void mistakesAreReportedClearly() {
        TensorInfo t = new TensorInfo("blk.0.ffn_down.weight", new long[]{96, 4, 2}, GgmlType.F32, 0);
        try (Arena arena = Arena.ofShared(); TensorQuantizer q = new TensorQuantizer(2)) {
            MemorySegment src = arena.allocate(t.nBytes());
            src.fill((byte) 0);
            assertThatThrownBy(() -> q.quantize(t, src, GgmlType.IQ4_XS, null, arena))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a multiple")
                    .hasMessageContaining("fallbackFor");
            assertThatThrownBy(() -> q.quantize(t, src, GgmlType.Q4_0, new float[96], arena))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("96 per matrix times 2");
            assertThatThrownBy(() -> q.quantize(t, src, GgmlType.MXFP4, null, arena))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> q.quantize(t, src.asSlice(0, 100), GgmlType.Q4_0, null, arena))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
        }
        assertThatThrownBy(() -> new TensorQuantizer(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
