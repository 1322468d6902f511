package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Our k-quant encoders reproduce llama-quantize's bytes for every tensor of the probe model. */
class KQuantGoldenTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void withoutImportanceMatchesLlamaQuantizeByteForByte(GgmlType type) throws IOException {
        int[] compared = {0};
        List<String> failures = ProbeGolden.mismatches(type, false, name -> null, compared);
        assertThat(compared[0]).as("tensors in " + type).isEqualTo(15);
        assertThat(failures.size()).as("mismatching rows, first: " + ProbeGolden.firstFew(failures)).isZero();
    }
}
