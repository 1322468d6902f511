package org.bitclass.calib;

import org.bitclass.quant.Imatrix;
import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImatrixCalibrationTest {

    private static final Path MODEL = SharedData.path("models/minima-qwen3-f32.gguf");
    private static final Path TEXT = SharedData.path("corpus/kjv-calib.txt");

    @Test
    void processOutputCoversTheTiedHeadAndEveryChunkIsReported() throws IOException {
        List<Integer> reported = new ArrayList<>();
        ImatrixCalibration.Result r = ImatrixCalibration.run(MODEL, TEXT, "calib", new ImatrixCalibration.Options(64,
                3, true, true, false), 2, new ImatrixCalibration.Listener() {
                    @Override
                    public void chunkDone(int chunk, double runningPerplexity) {
                        reported.add(chunk);
                    }
                });
        Imatrix m = r.imatrix();
        assertThat(reported).containsExactly(1, 2, 3);
        assertThat(m.entryCount()).isEqualTo(57);
        assertThat(m.entry("token_embd.weight").orElseThrow().counts()).containsExactly(3 * 64);
        assertThat(m.entry("token_embd.weight").orElseThrow().inputSums()).hasSize(256);
        assertThat(m.chunkCount()).isEqualTo(3);
        assertThat(m.chunkSize()).isEqualTo(64);
        assertThat(r.tokens()).isEqualTo(192);
    }

    /**
     * With 513-token chunks llama-imatrix runs two chunks as micro-batches of 256 + 256 + 256 + 256 + 1 + 1 tokens;
     * the last micro-batch has fewer than 16 tokens, so its products are not collected.
     */
    @Test
    void microBatchesBelowSixteenTokensAreLeftOutAsInLlamaImatrix() throws IOException {
        ImatrixCalibration.Result r = ImatrixCalibration.run(MODEL, TEXT, "calib", new ImatrixCalibration.Options(513,
                2, false, false, false), 2, new ImatrixCalibration.Listener() {
                });
        for (String name : r.imatrix().names()) {
            assertThat(r.imatrix().entry(name).orElseThrow().counts()).as(name).containsExactly(1024);
        }
        assertThat(r.imatrix().chunkCount()).isEqualTo(1);
        assertThat(r.tokens()).isEqualTo(1026);
    }
}
