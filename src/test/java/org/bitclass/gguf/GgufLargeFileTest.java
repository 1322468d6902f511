package org.bitclass.gguf;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes and maps a 4.5 GB GGUF (past both the 2 GB ByteBuffer and the 4 GB 32-bit limits). Slow and
 * disk-hungry, so it runs only when asked: {@code ./bitclass test -Dgroups=slow -DexcludedGroups=none}.
 */
@Tag("slow")
class GgufLargeFileTest {

    @Test
    void mapsTensorsBeyondFourGigabytes(@TempDir Path tmp) throws IOException {
        long rowLength = 1L << 20;
        long rows = 1152; // 1152 MiB elements of F32 = 4.5 GiB
        List<TensorInfo> tensors = List.of(new TensorInfo("small", new long[]{7}, GgmlType.F32, 0),
                new TensorInfo("huge", new long[]{rowLength, rows}, GgmlType.F32, 0),
                new TensorInfo("after", new long[]{8}, GgmlType.F32, 0));
        Path file = tmp.resolve("large.gguf");
        try (Arena arena = Arena.ofConfined();
             GgufWriter w = GgufWriter.create(file, new GgufMetadata().putString("general.architecture", "t"), tensors)) {
            w.append(floats(arena, 7, 1f));
            MemorySegment chunk = floats(arena, rowLength * 16, 0f);
            for (long r = 0; r < rows - 16; r += 16) {
                w.append(chunk);
            }
            w.append(floats(arena, rowLength * 16, 5f));
            w.append(floats(arena, 8, 9f));
            w.commit();
        }
        try (GgufModel model = GgufModel.open(file)) {
            MemorySegment huge = model.data("huge");
            assertThat(huge.byteSize()).isEqualTo(rowLength * rows * 4);
            assertThat(huge.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, rowLength * rows - 1)).isEqualTo(5f);
            assertThat(huge.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 0)).isEqualTo(0f);
            assertThat(model.data("after").getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 7)).isEqualTo(9f);
            assertThat(model.tensor("after").offset()).isGreaterThan(1L << 32);
        }
    }

    private static MemorySegment floats(Arena arena, long n, float value) {
        MemorySegment s = arena.allocate(n * 4);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, value);
        }
        return s;
    }
}
