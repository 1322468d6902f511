package org.bitclass.eval.health;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;

import java.lang.foreign.MemorySegment;

/**
 * Computes a tensor's {@link TensorHealth} by dequantizing it a block of rows at a time (never more than about
 * {@value #BLOCK_VALUES} values on the heap): one pass for the moments and the maximum, one to count values beyond
 * 6σ.
 */
public final class TensorScanner {

    private static final int BLOCK_VALUES = 1 << 20;

    private TensorScanner() {
    }

    /** Whether a codec can decode this tensor's type. */
    public static boolean canScan(TensorInfo t) {
        return QuantRegistry.find(t.type()).isPresent();
    }

    public static TensorHealth scan(GgufModel model, TensorInfo t) {
        RowBlocks blocks = new RowBlocks(model.data(t), t);
        Moments moments = new Moments();
        blocks.forEach(moments::add);
        double mean = moments.mean();
        double limit = 6 * moments.std();
        long[] beyond = {0};
        if (limit > 0) {
            blocks.forEach((values, offset, count) -> {
                for (int i = offset; i < offset + count; i++) {
                    if (Math.abs(values[i] - mean) > limit) {
                        beyond[0]++;
                    }
                }
            });
        }
        long n = moments.count();
        return new TensorHealth(t.name(), TensorHealth.roleOf(t.name()), TensorHealth.layerOf(t.name()), t.type(),
                t.shape(), n, mean, moments.std(), moments.skewness(), moments.excessKurtosis(), moments.maxAbs(),
                n == 0 ? 0 : (double) beyond[0] / n);
    }

    @FunctionalInterface
    private interface BlockConsumer {
        void accept(float[] values, int offset, int count);
    }

    /** A tensor's rows decoded block by block into one reused buffer. */
    private static final class RowBlocks {
        private final MemorySegment data;
        private final QuantCodec codec;
        private final int rowLength;
        private final long rows;
        private final long rowBytes;
        private final int rowsPerBlock;
        private final float[] buffer;

        RowBlocks(MemorySegment data, TensorInfo t) {
            this.data = data;
            this.codec = QuantRegistry.codec(t.type());
            this.rowLength = Math.toIntExact(t.rowLength());
            this.rows = t.rows();
            this.rowBytes = t.type().bytesFor(rowLength);
            this.rowsPerBlock = (int) Math.max(1, Math.min(rows, BLOCK_VALUES / Math.max(1, rowLength)));
            this.buffer = new float[rowsPerBlock * rowLength];
        }

        void forEach(BlockConsumer consumer) {
            for (long row = 0; row < rows; row += rowsPerBlock) {
                int count = (int) Math.min(rowsPerBlock, rows - row) * rowLength;
                codec.dequantize(data, row * rowBytes, buffer, 0, count);
                consumer.accept(buffer, 0, count);
            }
        }
    }
}
