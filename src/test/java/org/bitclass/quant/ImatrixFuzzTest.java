package org.bitclass.quant;

import org.bitclass.testutil.FileFuzzer;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Damaged imatrix files, in both formats llama.cpp writes, are read or refused with one clean line. */
class ImatrixFuzzTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"golden/eval/minima.imatrix.gguf, 8192", "golden/eval/minima.imatrix.dat, 75561",
            "golden/eval/minima-qwen35.imatrix.gguf, 8192"})
    void damagedFilesAreReadOrRefusedCleanly(String file, int region) throws IOException {
        fuzz(file, region, 300);
    }

    @ParameterizedTest
    @Tag("slow")
    @CsvSource({"golden/eval/minima.imatrix.gguf, 8192", "golden/eval/minima.imatrix.dat, 75561"})
    void fiveThousandDamagedFilesEach(String file, int region) throws IOException {
        fuzz(file, region, 5_000);
    }

    private void fuzz(String file, int region, int cases) throws IOException {
        FileFuzzer.Report r = FileFuzzer.run(SharedData.path(file), region, cases, file.hashCode(), dir,
                IOException.class, f -> Imatrix.read(f).names());
        System.out.println("imatrix fuzzing, " + file + ": " + r);
        assertThat(r.crashes()).isEmpty();
        assertThat(r.rejected()).isPositive();
    }
}
