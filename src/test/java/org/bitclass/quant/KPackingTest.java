package org.bitclass.quant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class KPackingTest {

    /** The bulk unpacking reads every pair as the one-at-a-time accessors do, for arbitrary bytes. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void bulkUnpackingMatchesSingleAccessors(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(16);
            for (int i = 0; i < 16; i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
            }
            int[] scales = new int[8];
            int[] mins = new int[8];
            KPacking.unpackScaleMin6(s, 2, scales, mins);
            for (int j = 0; j < 8; j++) {
                assertThat(scales[j]).as("scale %d", j).isEqualTo(KPacking.scale6(s, 2, j));
                assertThat(mins[j]).as("min %d", j).isEqualTo(KPacking.min6(s, 2, j));
            }
        }
    }
}
