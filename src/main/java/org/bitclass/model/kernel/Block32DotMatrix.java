package org.bitclass.model.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Types with blocks of 32 values and one F16 scale, multiplied with Q8_0 activations: Q8_0, Q4_0 and IQ4_NL.
 * Plain matrices follow ggml_vec_dot_*_q8_0 and llamafile's tinyBLAS_Q0_AVX (same order): per block, 8 lane sums
 * times {@code d_w·d_x} accumulate lane-wise, then {@code hsum_float_8}. Matrices llama.cpp repacks
 * ({@link #repackedByLlamaCpp}) follow the gemv/gemm kernels of arch/x86/repack.cpp instead: per block the whole
 * integer sum times {@code d_w·d_x} accumulates into one float per row.
 */
final class Block32DotMatrix extends IntegerDotMatrix {

    /** IQ4_NL's and IQ4_XS's 16 levels (ggml's kvalues_iq4nl), a fact of the format. */
    static final int[] IQ4_LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private static final int SCALE_BYTES = 2;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;
    private final boolean rowSequential;

    Block32DotMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        super(name, type, rows, cols, data);
        this.rowSequential = repackedByLlamaCpp();
    }

    @Override
    void decodeTile(int row, int count, LevelTile tile) {
        for (int r = 0; r < count; r++) {
            long base = (row + r) * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long at = base + (long) b * type.typeSize;
                tile.d[r * blocks + b] = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
                long qs = at + SCALE_BYTES;
                int e0 = b * 32;
                switch (type) {
                    case Q8_0 -> ChunkDecoder.signedBytes(data, qs, tile.levels, r * cols + e0);
                    case Q4_0 -> nibbles(tile, r, e0, qs, null);
                    default -> nibbles(tile, r, e0, qs, IQ4_LEVELS);
                }
            }
        }
    }

    /** 16 bytes: element j in the low nibble of byte j, element j+16 in its high nibble; Q4_0 levels are q − 8. */
    private void nibbles(LevelTile tile, int r, int e0, long qs, int[] codebook) {
        for (int j = 0; j < 16; j++) {
            int b = data.get(ValueLayout.JAVA_BYTE, qs + j) & 0xFF;
            putLevel(tile, r, e0 + j, codebook == null ? (b & 0xF) - 8 : codebook[b & 0xF]);
            putLevel(tile, r, e0 + j + 16, codebook == null ? (b >> 4) - 8 : codebook[b >> 4]);
        }
    }

    /**
     * One token, with the tile path's bits: each block's AVX2 lanes ({@link LaneOrder#chunkLanes}) from Q8_0's
     * stored bytes as they are, or from Q4_0's and IQ4_NL's nibbles brought into that layout ({@link SplitNibbles}),
     * accumulated as {@link #combine} does for plain or repacked matrices.
     */
    @Override
    boolean multiplyOneToken(int row, int count, Q8Activations x, float[] out) {
        // one loop per type and order rather than one with a branch: vectors merged across branches may be boxed
        if (type == GgmlType.Q8_0) {
            for (int r = 0; r < count; r++) {
                out[row + r] = plainBytesRow(row + r, x);
            }
        } else {
            ByteVector table = type == GgmlType.Q4_0 ? null : SplitNibbles.iq4Table();
            for (int r = 0; r < count; r++) {
                out[row + r] = rowSequential ? repackedQ4Row(row + r, table, x) : plainQ4Row(row + r, table, x);
            }
        }
        return true;
    }

    /** As ggml_vec_dot_q8_0_q8_0: lane-wise accumulators, then {@code hsum_float_8}. */
    private float plainBytesRow(int row, Q8Activations x) {
        FloatVector acc = FloatVector.zero(LaneOrder.S);
        for (int b = 0; b < blocks; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            ShortVector v = ShortVector.fromMemorySegment(SHORTS, data, at + SCALE_BYTES, ByteOrder.LITTLE_ENDIAN);
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
            acc = ((FloatVector) LaneOrder.chunkLanes(v, x.pairedLevels, b * 32).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(LaneOrder.S, d * x.scales[b]), acc);
        }
        return LaneOrder.sum(acc);
    }

    /** As ggml_vec_dot_q4_0_q8_0: lane-wise accumulators, then {@code hsum_float_8}. */
    private float plainQ4Row(int row, ByteVector table, Q8Activations x) {
        FloatVector acc = FloatVector.zero(LaneOrder.S);
        for (int b = 0; b < blocks; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            float d = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
            ShortVector levels = SplitNibbles.levels(data, at + SCALE_BYTES, table);
            acc = ((FloatVector) LaneOrder.chunkLanes(levels, x.pairedLevels, b * 32).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(LaneOrder.S, d * x.scales[b]), acc);
        }
        return LaneOrder.sum(acc);
    }

    /** As the repacked Q4_0 gemv: per block the whole integer sum times {@code d_w·d_x}, into one float. */
    private float repackedQ4Row(int row, ByteVector table, Q8Activations x) {
        float acc = 0;
        for (int b = 0; b < blocks; b++) {
            long at = row * rowBytes + (long) b * type.typeSize;
            ShortVector levels = SplitNibbles.levels(data, at + SCALE_BYTES, table);
            int sum = LaneOrder.chunkLanes(levels, x.pairedLevels, b * 32).reduceLanes(VectorOperators.ADD);
            acc = Math.fma((float) sum, Float.float16ToFloat(data.get(Half.SHORT_LE, at)) * x.scales[b], acc);
        }
        return acc;
    }

    /** Row-sequential state per pair: one float (the whole block's sum times {@code d_w·d_x}). */
    @Override
    void combine(LevelTile tile, Q8Activations x, int t, int nt, int b, int r0) {
        if (!rowSequential) {
            super.combine(tile, x, t, nt, b, r0);
            return;
        }
        for (int k = 0; k < nt; k++) {
            float xd = x.scales[(t + k) * blocks + b];
            for (int r = r0; r < r0 + 4; r++) {
                FloatVector lanes = FloatVector.fromArray(LaneOrder.S, tile.sums, LevelTile.pair(r, k));
                int s = LevelTile.stateOf(r, k);
                tile.state[s] = Math.fma(LaneOrder.sum(lanes), tile.d[r * blocks + b] * xd, tile.state[s]);
            }
        }
    }

    @Override
    float finish(LevelTile tile, int r, int k) {
        return rowSequential ? tile.state[LevelTile.stateOf(r, k)] : super.finish(tile, r, k);
    }

    @Override
    boolean hasCoefficients() {
        return false;
    }

    /** Row-sequential panel state per token: slot 0. */
    @Override
    void combinePanel(RowPanel p, Q8Activations x, int t0, int b) {
        if (!rowSequential) {
            super.combinePanel(p, x, t0, b);
            return;
        }
        FloatVector d = RowPanel.rows(p.d, b);
        for (int t = 0; t < RowPanel.TOKENS; t++) {
            p.accumulate(t, 0, p.blockSum(t), d.mul(x.scales[(t0 + t) * blocks + b]));
        }
    }

    @Override
    void finishPanel(RowPanel p, int t, float[] dst) {
        if (rowSequential) {
            p.stateVector(t, 0).intoArray(dst, 0);
        } else {
            super.finishPanel(p, t, dst);
        }
    }
}
