package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Converts whole tensors to another type on a fixed pool of threads, which take chunks of consecutive rows
 * (about {@value #CHUNK_VALUES} values, never across two matrices) from a shared counter, so a thread that the
 * machine slows down takes fewer. Every row is decoded to float and encoded on its own, exactly as llama-quantize
 * does, so the bytes do not depend on the number of threads.
 * <p>
 * Importance: {@code ne0} values per matrix. For a 3-D tensor (stacked experts) row {@code r} belongs to
 * matrix {@code r / ne1} and uses that matrix's slice, as llama-quantize does.
 * <p>
 * Source and destination segments are used from the pool's threads, so they must come from a shared,
 * global or automatic arena (or a file mapping made with one), not a confined one.
 */
public final class TensorQuantizer implements AutoCloseable {

    /** Values per chunk: small enough for the chunk's floats to stay in cache, large enough to amortise a task. */
    static final int CHUNK_VALUES = 16384;

    private final int threads;
    private final ExecutorService pool;

    public TensorQuantizer(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bitclass-quantize");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Bytes {@code tensor} takes as {@code type}. */
    public static long bytesFor(TensorInfo tensor, GgmlType type) {
        return tensor.rows() * type.bytesFor(tensor.rowLength());
    }

    /** Quantizes into a fresh segment of {@code arena}, which must not be confined to one thread. */
    public MemorySegment quantize(TensorInfo source, MemorySegment sourceData, GgmlType type, float[] importance,
                                  Arena arena) {
        MemorySegment out = arena.allocate(bytesFor(source, type), 64);
        quantize(source, sourceData, type, importance, out);
        return out;
    }

    /**
     * Decodes {@code source} (its type says how {@code sourceData} is encoded) row by row and encodes each row
     * as {@code type} into {@code dst}.
     *
     * @param importance null, or {@code ne0} values per matrix (matrices one after another)
     */
    public void quantize(TensorInfo source, MemorySegment sourceData, GgmlType type, float[] importance,
                         MemorySegment dst) {
        QuantCodec decoder = QuantRegistry.codec(source.type());
        QuantCodec encoder = QuantRegistry.codec(type);
        if (!encoder.canQuantize()) {
            throw new UnsupportedOperationException("cannot quantize to " + type + ": it is decode-only here");
        }
        long rowLength = source.rowLength();
        if (rowLength % type.blockSize != 0 || rowLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + source.name() + "' has rows of " + rowLength
                    + " values, not a multiple of the " + type + " block of " + type.blockSize
                    + " (QuantRegistry.fallbackFor gives the type llama.cpp uses instead)");
        }
        long rows = source.rows();
        long srcRowBytes = source.type().bytesFor(rowLength);
        long dstRowBytes = type.bytesFor(rowLength);
        if (sourceData.byteSize() < rows * srcRowBytes) {
            throw new IllegalArgumentException("tensor '" + source.name() + "' needs " + rows * srcRowBytes
                    + " bytes of " + source.type() + " data, got " + sourceData.byteSize());
        }
        if (dst.byteSize() < rows * dstRowBytes) {
            throw new IllegalArgumentException("destination for '" + source.name() + "' holds " + dst.byteSize()
                    + " bytes, needs " + rows * dstRowBytes);
        }
        float[][] slices = importanceSlices(source, importance);
        long rowsPerMatrix = source.dim(1);
        int n = (int) rowLength;
        int chunkRows = (int) Math.max(1, Math.min(rowsPerMatrix, CHUNK_VALUES / n));
        long chunksPerMatrix = (rowsPerMatrix + chunkRows - 1) / chunkRows;
        long chunks = rows / rowsPerMatrix * chunksPerMatrix;
        AtomicLong nextChunk = new AtomicLong();

        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, chunks); t++) {
            parts.add(pool.submit(() -> {
                float[] values = new float[chunkRows * n];
                byte[] encoded = new byte[Math.toIntExact(chunkRows * dstRowBytes)];
                for (long c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
                    long matrix = c / chunksPerMatrix;
                    long first = matrix * rowsPerMatrix + c % chunksPerMatrix * chunkRows;
                    int count = (int) Math.min(chunkRows, (matrix + 1) * rowsPerMatrix - first);
                    decoder.dequantize(sourceData, first * srcRowBytes, values, 0, count * n);
                    encoder.quantizeRows(values, 0, count, n, slices == null ? null : slices[(int) matrix],
                            encoded, 0);
                    MemorySegment.copy(encoded, 0, dst, ValueLayout.JAVA_BYTE, first * dstRowBytes,
                            count * (int) dstRowBytes);
                }
            }));
        }
        awaitAll(parts);
    }

    private static float[][] importanceSlices(TensorInfo source, float[] importance) {
        if (importance == null) {
            return null;
        }
        long rowLength = source.rowLength();
        long matrices = source.rows() / source.dim(1);
        if (importance.length != rowLength * matrices) {
            throw new IllegalArgumentException("importance for '" + source.name() + "' has " + importance.length
                    + " values, the tensor needs " + rowLength + " per matrix times " + matrices + " matrices");
        }
        float[][] slices = new float[(int) matrices][];
        for (int m = 0; m < matrices; m++) {
            slices[m] = Arrays.copyOfRange(importance, (int) (m * rowLength), (int) ((m + 1) * rowLength));
        }
        return slices;
    }

    private static void awaitAll(List<Future<?>> parts) {
        RuntimeException failure = null;
        for (Future<?> f : parts) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                parts.forEach(p -> p.cancel(true));
                throw new IllegalStateException("quantization interrupted", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException("quantization failed: " + e.getCause(), e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
