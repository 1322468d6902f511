package org.bitclass.model.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * Eight weight rows laid out for large batches, with the scratch of their kernel. In a {@link LevelTile} each row's
 * levels lie in {@link LaneOrder} layout, made for one (row, token) dot product at a time; here element e of a block,
 * e = 32c + 4g + k, sits in group g (llama.cpp's lane g), position j = 4c + k, as a vector of the eight rows'
 * levels. One activation value broadcast against that vector feeds eight products, so the kernel
 * ({@link #groupSums}) needs no horizontal sums: each group's total for all rows and four tokens comes out as vectors,
 * exact integers as in the lane layout. Per-block coefficients (scales, mins) are laid out as row vectors too.
 * Activations for this layout ({@link Q8Activations#grouped}) put each block's values in the same group order.
 */
final class RowPanel {

    static final int ROWS = 8;
    /** Tokens per kernel call; batches are padded to a multiple. */
    static final int TOKENS = 4;
    /** From this batch size on, matrices are multiplied in panels; smaller batches use the tile's dot products. */
    static final int MIN_BATCH = 16;
    static final int GROUPS = 8;
    /** Row vectors of running state per token: one per group, then up to four for a type's extra terms. */
    static final int STATE_SLOTS = 12;

    /** Two panels per thread: the kernel runs them side by side. */
    private static final ThreadLocal<RowPanel[]> PER_THREAD =
            ThreadLocal.withInitial(() -> new RowPanel[] {new RowPanel(), new RowPanel()});

    /** {@code [block][group][j][row]}. */
    float[] levels = new float[0];
    /** {@code [block][row]}. */
    float[] d = new float[0];
    float[] dmin = new float[0];
    /** {@code [block][coefficient][row]}. */
    float[] coeffs = new float[0];
    /** One block's group sums, {@code [group][token][row]}. */
    final float[] groupSums = new float[GROUPS * TOKENS * ROWS];
    /** {@code [token][slot][row]}. */
    final float[] state = new float[TOKENS * STATE_SLOTS * ROWS];

    /** This thread's panel {@code i} (0 or 1), with room for eight rows of {@code cols} values. */
    static RowPanel forThread(int i, int cols, int blockSize) {
        RowPanel p = PER_THREAD.get()[i];
        int blocks = ROWS * (cols / blockSize);
        if (p.levels.length < ROWS * cols) {
            p.levels = new float[ROWS * cols];
        }
        if (p.d.length < blocks) {
            p.d = new float[blocks];
            p.dmin = new float[blocks];
            p.coeffs = new float[blocks * LevelTile.COEFFS];
        }
        return p;
    }

    /** Where element e of a block of {@code blockSize} values sits in group order: group-major, then j. */
    static int groupPosition(int e, int blockSize) {
        return ((e >> 2) & 7) * (blockSize / GROUPS) + 4 * (e >> 5) + (e & 3);
    }

    /**
     * Lays out rows {@code r0 .. r0+7} of the tile (levels, scales and, if {@code withCoefficients}, mins and extra
     * coefficients) as row vectors. Written in
     * panel order, so that the stores run contiguously: writing row by row scattered them and took longer than a
     * Q8_0 batch of 16 tokens' products.
     */
    void load(LevelTile tile, int r0, int cols, int blockSize, boolean withCoefficients) {
        int blocks = cols / blockSize;
        int perGroup = blockSize / GROUPS;
        int to = 0;
        for (int b = 0; b < blocks; b++) {
            for (int g = 0; g < GROUPS; g++) {
                for (int j = 0; j < perGroup; j++) {
                    // the tile holds element 32c + 4g + k of a block (j = 4c + k) at 32c + 8k + g
                    int from = r0 * cols + b * blockSize + 32 * (j >> 2) + 8 * (j & 3) + g;
                    for (int r = 0; r < ROWS; r++, from += cols) {
                        levels[to++] = tile.levels[from];
                    }
                }
            }
        }
        for (int r = 0; r < ROWS; r++) {
            for (int b = 0; b < blocks; b++) {
                int rb = (r0 + r) * blocks + b;
                d[b * ROWS + r] = tile.d[rb];
                if (!withCoefficients) {
                    continue;
                }
                dmin[b * ROWS + r] = tile.dmin[rb];
                for (int c = 0; c < LevelTile.COEFFS; c++) {
                    coeffs[(b * LevelTile.COEFFS + c) * ROWS + r] = tile.coeffs[rb * LevelTile.COEFFS + c];
                }
            }
        }
    }

    /**
     * Group sums of block b for four tokens from {@code t0} ({@code x} in group order, {@code cols} per token), for
     * two panels at once: {@code groupSums[g][t][r] = Σ_j level[b][g][j][r] · x[t0+t][b][g][j]}. Eight
     * accumulators; per eight multiply-adds, two weight loads and four broadcasts.
     */
    static void groupSums(RowPanel p, RowPanel q, float[] x, int t0, int cols, int b, int blockSize) {
        int perGroup = blockSize / GROUPS;
        int x0 = t0 * cols + b * blockSize;
        for (int g = 0; g < GROUPS; g++) {
            FloatVector p0 = FloatVector.zero(LaneOrder.S), p1 = p0, p2 = p0, p3 = p0;
            FloatVector q0 = p0, q1 = p0, q2 = p0, q3 = p0;
            int w = (b * blockSize + g * perGroup) * ROWS;
            int xg = x0 + g * perGroup;
            for (int j = 0; j < perGroup; j++) {
                FloatVector v = FloatVector.fromArray(LaneOrder.S, p.levels, w + j * ROWS);
                FloatVector u = FloatVector.fromArray(LaneOrder.S, q.levels, w + j * ROWS);
                int xi = xg + j;
                FloatVector x0v = FloatVector.broadcast(LaneOrder.S, x[xi]);
                p0 = v.fma(x0v, p0);
                q0 = u.fma(x0v, q0);
                FloatVector x1v = FloatVector.broadcast(LaneOrder.S, x[xi + cols]);
                p1 = v.fma(x1v, p1);
                q1 = u.fma(x1v, q1);
                FloatVector x2v = FloatVector.broadcast(LaneOrder.S, x[xi + 2 * cols]);
                p2 = v.fma(x2v, p2);
                q2 = u.fma(x2v, q2);
                FloatVector x3v = FloatVector.broadcast(LaneOrder.S, x[xi + 3 * cols]);
                p3 = v.fma(x3v, p3);
                q3 = u.fma(x3v, q3);
            }
            int o = g * TOKENS * ROWS;
            p0.intoArray(p.groupSums, o);
            p1.intoArray(p.groupSums, o + ROWS);
            p2.intoArray(p.groupSums, o + 2 * ROWS);
            p3.intoArray(p.groupSums, o + 3 * ROWS);
            q0.intoArray(q.groupSums, o);
            q1.intoArray(q.groupSums, o + ROWS);
            q2.intoArray(q.groupSums, o + 2 * ROWS);
            q3.intoArray(q.groupSums, o + 3 * ROWS);
        }
    }

    /** Group g's sums for token t, one lane per row. */
    FloatVector groupSum(int g, int t) {
        return FloatVector.fromArray(LaneOrder.S, groupSums, (g * TOKENS + t) * ROWS);
    }

    /** The whole block's sums for token t: exact integers, so the order of additions does not matter. */
    FloatVector blockSum(int t) {
        // a loop, not eight calls spelled out: those took the repacked Q4_K panel past C2's node limit (boxing)
        FloatVector sum = groupSum(0, t);
        for (int g = 1; g < GROUPS; g++) {
            sum = sum.add(groupSum(g, t));
        }
        return sum;
    }

    /** Where token t's state slot lies in {@link #state}. */
    static int slot(int t, int s) {
        return (t * STATE_SLOTS + s) * ROWS;
    }

    FloatVector stateVector(int t, int s) {
        return FloatVector.fromArray(LaneOrder.S, state, slot(t, s));
    }

    /** Row vector {@code i} of a {@code [..][row]} array. */
    static FloatVector rows(float[] a, int i) {
        return FloatVector.fromArray(LaneOrder.S, a, i * ROWS);
    }

    /** state[t][s] += v · scale, fused. */
    void accumulate(int t, int s, FloatVector v, FloatVector scale) {
        v.fma(scale, stateVector(t, s)).intoArray(state, slot(t, s));
    }

    /**
     * The group accumulators of token t summed as ggml's {@code hsum_float_8} sums its lanes:
     * ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)).
     */
    FloatVector groupTotal(int t) {
        return stateVector(t, 0).add(stateVector(t, 4)).add(stateVector(t, 2).add(stateVector(t, 6)))
                .add(stateVector(t, 1).add(stateVector(t, 5)).add(stateVector(t, 3).add(stateVector(t, 7))));
    }
}
