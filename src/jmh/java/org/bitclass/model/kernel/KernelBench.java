package org.bitclass.model.kernel;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.QuantCodec;
import org.bitclass.quant.QuantRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One weight matrix (3072 columns × 1024 rows, random weights quantized to {@code type}) times a batch of
 * {@code tokens} activations on one thread: the activation conversion and every row tile, as {@link MatMul} runs
 * them; {@code -p tensor=token_embd.weight} measures the unrepacked order a tied output matrix takes. Nanoseconds
 * per weight = score / (rows · cols · tokens), the figure docs/engine.md quotes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {

    static final int ROWS = 1024;
    static final int COLS = 3072;

    @Param({"BF16", "F16", "Q8_0", "Q6_K", "Q5_K", "Q4_K", "Q3_K", "Q2_K", "IQ4_XS", "IQ4_NL", "Q4_0", "Q4_1", "Q5_0",
            "Q5_1"})
    String type;

    @Param({"1", "64"})
    int tokens;

    /** The tensor's name: llama.cpp repacks Q4_0, IQ4_NL and Q4_K matrices, but not token_embd.weight (plain order). */
    @Param({"blk.0.ffn_up.weight"})
    String tensor;

    private Arena arena;
    private WeightMatrix matrix;
    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        GgmlType t = GgmlType.valueOf(type);
        arena = Arena.ofConfined();
        MemorySegment data = arena.allocate(t.bytesFor((long) ROWS * COLS), 64);
        SplittableRandom random = new SplittableRandom(7);
        QuantCodec codec = QuantRegistry.codec(t);
        float[] row = new float[COLS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                row[c] = (float) random.nextGaussian();
            }
            codec.quantizeRow(row, 0, COLS, null, data, r * t.bytesFor(COLS));
        }
        matrix = WeightMatrix.of(new TensorInfo(tensor, new long[] {COLS, ROWS}, t, 0), data);
        x = new float[tokens * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        out = new float[tokens * ROWS];
    }

    @Benchmark
    public float[] multiply() {
        Object input = matrix.prepareInput(x, tokens, null);
        int tile = matrix.rowTile(tokens);
        for (int row = 0; row < ROWS; row += tile) {
            matrix.multiplyTile(row, Math.min(tile, ROWS - row), input, tokens, out);
        }
        return out;
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }
}
