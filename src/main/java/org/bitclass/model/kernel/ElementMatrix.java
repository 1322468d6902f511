package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;
import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

import static org.bitclass.model.kernel.FloatKernels.F;
import static org.bitclass.model.kernel.FloatKernels.LANES;

/** A matrix whose values are stored one by one (F32, F16, BF16), so a vector of them decodes in a few lane ops. */
abstract sealed class ElementMatrix extends FloatDotMatrix permits F32Matrix, F16Matrix, BF16Matrix {

    private final int elementBytes;

    ElementMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
        this.elementBytes = (int) type.bytesFor(1);
    }

    /** {@link FloatKernels#LANES} values decoded from {@code data} at {@code byteOffset}. */
    abstract FloatVector load(long byteOffset);

    /** One value decoded from {@code data} at {@code byteOffset}. */
    abstract float get(long byteOffset);

    /** Finishes one row's dot product from column {@code from} on with scalar decoding (see {@link FloatKernels#tail}). */
    private float finish(FloatVector acc, int row, float[] x, int xOff, int from) {
        float sum = FloatKernels.sumLanes(acc);
        for (int i = from; i < cols; i++) {
            sum = Math.fma(get(row * rowBytes + (long) i * elementBytes), x[xOff + i], sum);
        }
        return sum;
    }

    @Override
    public void decodeRows(int row, int count, float[] dst, int dstOff) {
        int vn = F.loopBound(cols);
        for (int r = 0; r < count; r++) {
            long base = (row + r) * rowBytes;
            int d = dstOff + r * cols;
            for (int i = 0; i < vn; i += LANES) {
                load(base + (long) i * elementBytes).intoArray(dst, d + i);
            }
            for (int i = vn; i < cols; i++) {
                dst[d + i] = get(base + (long) i * elementBytes);
            }
        }
    }

    /**
     * Whether {@link #dotRows} may take four rows at once, each activation vector loaded once for all four; else
     * two: C2 reaches its node limit before inlining a fourth F16 {@link #load} and boxes its vector (0.4 ns per
     * weight rather than 0.12), while BF16 and F32 run faster by four (0.056 and 0.067 ns, against 0.077 and 0.079).
     */
    boolean fourRowsAtOnce() {
        return true;
    }

    @Override
    void dotRows(int row, int count, float[] x, int xOff, float[] out, int outOff) {
        if (count == 4 && fourRowsAtOnce()) {
            dotFourRows(row, x, xOff, out, outOff);
            return;
        }
        int r = 0;
        for (; r + 1 < count; r += 2) {
            dotTwoRows(row + r, x, xOff, out, outOff + r);
        }
        if (r < count) {
            out[outOff + r] = dotRow(row + r, x, xOff);
        }
    }

    private void dotFourRows(int row, float[] x, int xOff, float[] out, int outOff) {
        int vn = F.loopBound(cols);
        long b0 = row * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int i = 0; i < vn; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            long o = (long) i * elementBytes;
            a0 = load(b0 + o).fma(v, a0);
            a1 = load(b1 + o).fma(v, a1);
            a2 = load(b2 + o).fma(v, a2);
            a3 = load(b3 + o).fma(v, a3);
        }
        out[outOff] = finish(a0, row, x, xOff, vn);
        out[outOff + 1] = finish(a1, row + 1, x, xOff, vn);
        out[outOff + 2] = finish(a2, row + 2, x, xOff, vn);
        out[outOff + 3] = finish(a3, row + 3, x, xOff, vn);
    }

    /** {@link #dotFourRows} with two accumulators (see {@link #fourRowsAtOnce}); one row at a time ran at 0.164. */
    private void dotTwoRows(int row, float[] x, int xOff, float[] out, int outOff) {
        int vn = F.loopBound(cols);
        long b0 = row * rowBytes;
        long b1 = b0 + rowBytes;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        for (int i = 0; i < vn; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            long o = (long) i * elementBytes;
            a0 = load(b0 + o).fma(v, a0);
            a1 = load(b1 + o).fma(v, a1);
        }
        out[outOff] = finish(a0, row, x, xOff, vn);
        out[outOff + 1] = finish(a1, row + 1, x, xOff, vn);
    }

    private float dotRow(int row, float[] x, int xOff) {
        int vn = F.loopBound(cols);
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < vn; i += LANES) {
            acc = load(base + (long) i * elementBytes).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        return finish(acc, row, x, xOff, vn);
    }
}
