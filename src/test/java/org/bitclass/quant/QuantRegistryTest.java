package org.bitclass.quant;

import org.bitclass.gguf.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantRegistryTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0",
            "Q8_1", "IQ4_NL", "IQ4_XS", "MXFP4", "TQ1_0", "TQ2_0"})
    void everyNonKTypeHasACodec(GgmlType type) {
        QuantCodec codec = QuantRegistry.codec(type);
        assertThat(codec.type()).isEqualTo(type);
        boolean decodeOnly = type == GgmlType.MXFP4 || type == GgmlType.TQ1_0 || type == GgmlType.TQ2_0;
        assertThat(codec.canQuantize()).isEqualTo(!decodeOnly);
    }

    @ParameterizedTest(name = "{0} on rows of {1} -> {2}")
    @CsvSource({
            "IQ4_XS, 256, IQ4_XS", "IQ4_XS, 288, IQ4_NL", "IQ2_XXS, 4160, IQ4_NL", "IQ3_S, 96, IQ4_NL",
            "IQ1_M, 100, F16", "Q2_K, 288, Q4_0", "Q3_K, 288, Q4_0", "TQ1_0, 64, Q4_0", "TQ2_0, 64, Q4_0",
            "Q2_0, 96, Q4_0", "Q4_K, 288, Q5_0", "Q5_K, 288, Q5_1", "Q6_K, 288, Q8_0", "Q6_K, 300, F16",
            "Q4_0, 4096, Q4_0", "Q8_0, 96, Q8_0", "F16, 7, F16", "BF16, 3, BF16", "F32, 1, F32"})
    void fallbackFollowsLlamaQuantize(GgmlType wanted, long rowLength, GgmlType expected) {
        assertThat(QuantRegistry.fallbackFor(wanted, rowLength)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"Q4_0, 100", "Q8_0, 48", "IQ4_NL, 40", "MXFP4, 16", "Q8_K, 288"})
    void typesWithoutAFallbackAreRejectedLikeLlamaCpp(GgmlType wanted, long rowLength) {
        assertThatThrownBy(() -> QuantRegistry.fallbackFor(wanted, rowLength))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor type fallback is defined for type " + QuantRegistry.ggmlName(wanted));
    }

    @Test
    void fallbackWarningIsLlamaQuantizesLine() {
        assertThat(QuantRegistry.fallbackWarning("blk.0.ffn_down.weight", GgmlType.Q4_K, 288)).contains(
                "warning: blk.0.ffn_down.weight                - ncols    288 not divisible by 256 "
                        + "(required for type    q4_k) -> falling back to    q5_0\n");
        assertThat(QuantRegistry.fallbackWarning("x.weight", GgmlType.IQ4_XS, 100)).contains(
                "warning: x.weight                             - ncols    100 not divisible by 256 "
                        + "(required for type  iq4_xs) (WARNING: must use F16 due to unusual shape) "
                        + "-> falling back to     f16\n");
        assertThat(QuantRegistry.fallbackWarning("x.weight", GgmlType.Q4_K, 512)).isEmpty();
    }
}
