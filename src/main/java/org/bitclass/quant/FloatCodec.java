package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The unquantized element types F32, F16 and BF16: one value per element, converted as ggml converts
 * (see {@link Fp16} and {@link Bf16}); importance does not apply. Values move in bulk copies, halves through a
 * small {@code short[]} buffer.
 */
final class FloatCodec implements QuantCodec {

    /** Halves converted per bulk copy. */
    private static final int HALF_BUFFER = 1024;

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
        if (type == GgmlType.F32) {
            MemorySegment.copy(src, LittleEndian.FLOAT, offset, dst, dstOffset, n);
            return;
        }
        short[] halves = new short[Math.min(n, HALF_BUFFER)];
        for (int done = 0; done < n; done += halves.length) {
            int count = Math.min(halves.length, n - done);
            MemorySegment.copy(src, LittleEndian.SHORT, offset + 2L * done, halves, 0, count);
            for (int i = 0; i < count; i++) {
                dst[dstOffset + done + i] = type == GgmlType.F16 ? Fp16.toFloat(halves[i]) : Bf16.toFloat(halves[i]);
            }
        }
    }

    @Override
    public void quantizeRows(float[] src, int srcOffset, int rows, int n, float[] importance, byte[] dst,
                             int dstOffset) {
        MemorySegment out = MemorySegment.ofArray(dst);
        int count = rows * n;
        if (type == GgmlType.F32) {
            MemorySegment.copy(src, srcOffset, out, LittleEndian.FLOAT, dstOffset, count);
            return;
        }
        short[] halves = new short[Math.min(count, HALF_BUFFER)];
        for (int done = 0; done < count; done += halves.length) {
            int chunk = Math.min(halves.length, count - done);
            for (int i = 0; i < chunk; i++) {
                float v = src[srcOffset + done + i];
                halves[i] = type == GgmlType.F16 ? Fp16.fromFloat(v) : Bf16.fromFloat(v);
            }
            MemorySegment.copy(halves, 0, out, LittleEndian.SHORT, dstOffset + 2L * done, chunk);
        }
    }
}
