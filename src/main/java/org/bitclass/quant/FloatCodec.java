package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The unquantized element types F32, F16 and BF16: one value per element, converted as ggml converts
 * (see {@link Fp16} and {@link Bf16}); importance does not apply.
 */
final class FloatCodec implements QuantCodec {

    private final GgmlType type;

    FloatCodec(GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException(type + " is not a float type");
        }
        this.type = type;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            long at = offset + (long) i * type.typeSize;
            dst[dstOffset + i] = switch (type) {
                case F32 -> src.get(LittleEndian.FLOAT, at);
                case F16 -> Fp16.toFloat(src.get(LittleEndian.SHORT, at));
                default -> Bf16.toFloat(src.get(LittleEndian.SHORT, at));
            };
        }
    }

    @Override
    public void quantizeRow(float[] src, int srcOffset, int n, float[] importance, MemorySegment dst, long offset) {
        for (int i = 0; i < n; i++) {
            long at = offset + (long) i * type.typeSize;
            float v = src[srcOffset + i];
            switch (type) {
                case F32 -> dst.set(LittleEndian.FLOAT, at, v);
                case F16 -> dst.set(LittleEndian.SHORT, at, Fp16.fromFloat(v));
                default -> dst.set(LittleEndian.SHORT, at, Bf16.fromFloat(v));
            }
        }
    }
}
