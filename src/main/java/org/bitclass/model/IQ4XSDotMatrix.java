package org.bitclass.model;

import org.bitclass.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IQ4_XS times Q8_K as ggml_vec_dot_iq4_xs_q8_K on AVX2: codebook levels, a 6-bit scale (minus 32) per sub-block
 * of 32, lane sums scaled and added in integers over the super-block, then {@code d_w·d_x} and lane-wise
 * accumulation with a final {@code hsum_float_8}: the default combination of {@link IntegerDotMatrix}. Levels are
 * decoded times their sub-block scale, so lane sums stay below 4·127·32·127·8 &lt; 2^24 and are exact.
 */
final class IQ4XSDotMatrix extends IntegerDotMatrix {

    private static final int SCALES_HIGH = 2;
    private static final int SCALES_LOW = 4;
    private static final int QS = 8;

    IQ4XSDotMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, GgmlType.IQ4_XS, rows, cols, data);
    }

    @Override
    void decodeTile(int row, int count, LevelTile tile) {
        for (int r = 0; r < count; r++) {
            long base = (row + r) * rowBytes;
            for (int b = 0; b < blocks; b++) {
                long at = base + (long) b * type.typeSize;
                tile.d[r * blocks + b] = Float.float16ToFloat(data.get(Half.SHORT_LE, at));
                int high = data.get(Half.SHORT_LE, at + SCALES_HIGH) & 0xFFFF;
                for (int ib = 0; ib < 8; ib++) {
                    int low = data.get(ValueLayout.JAVA_BYTE, at + SCALES_LOW + ib / 2) >> (4 * (ib % 2)) & 0xF;
                    int ls = (low | ((high >> (2 * ib)) & 3) << 4) - 32;
                    for (int j = 0; j < 16; j++) {
                        int q = data.get(ValueLayout.JAVA_BYTE, at + QS + 16L * ib + j) & 0xFF;
                        putLevel(tile, r, b * 256 + ib * 32 + j, ls * Block32DotMatrix.IQ4_LEVELS[q & 0xF]);
                        putLevel(tile, r, b * 256 + ib * 32 + j + 16, ls * Block32DotMatrix.IQ4_LEVELS[q >> 4]);
                    }
                }
            }
        }
    }
}
