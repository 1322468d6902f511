package org.bitclass.eval;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected strings are what glibc's printf prints for the same value and format. */
class CFormatTest {

    @ParameterizedTest(name = "%{1}.{2}f of {0} = \"{3}\"")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "0.125|0|2|0.12",             // exact tie: to even (Java's formatter gives 0.13)
            "2.5|0|0|2",
            "3.5|0|0|4",
            "2.675|0|2|2.67",             // 2.67499999… in binary
            "1.0005|0|3|1.000",
            "0.000125|0|5|0.00013",       // 0.000125000000000000002… in binary
            "11.32155|0|4|11.3216",
            "-1e-7|0|3|-0.000",           // negative values keep their sign when they round to zero
            "-0.0|6|3|-0.000",
            "0.0|10|6|  0.000000",
            "123456.789|6|3|123456.789",  // wider than the field: not cut
            "99.995|6|2|100.00",
            "1e21|0|1|1000000000000000000000.0",
            "-12.5|9|4| -12.5000",
    })
    void printsAsCPrintf(double value, int width, int precision, String expected) {
        assertThat(CFormat.fixed(value, width, precision)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"NaN,nan", "Infinity,inf", "-Infinity,-inf"})
    void printsSpecialValuesAsGlibc(double value, String expected) {
        assertThat(CFormat.fixed(value, 6, 3)).isEqualTo(" ".repeat(6 - expected.length()) + expected);
    }
}
