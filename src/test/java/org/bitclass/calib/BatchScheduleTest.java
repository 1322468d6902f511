package org.bitclass.calib;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchScheduleTest {

    @Test
    void defaultContextRunsFourSequencesAQuarterMicroBatchEach() {
        BatchSchedule s = new BatchSchedule(512, false);
        assertThat(s.sequences()).isEqualTo(4);
        assertThat(s.batchSize()).isEqualTo(2048);
        List<BatchSchedule.Ubatch> group = s.group(4);
        assertThat(group).hasSize(4);
        assertThat(group.get(1).slices()).containsExactly(new BatchSchedule.Slice(0, 128, 256),
                new BatchSchedule.Slice(1, 128, 256), new BatchSchedule.Slice(2, 128, 256),
                new BatchSchedule.Slice(3, 128, 256));
        // the last group of 129 chunks holds one sequence: one micro-batch of all its tokens
        assertThat(s.group(1)).containsExactly(new BatchSchedule.Ubatch(List.of(new BatchSchedule.Slice(0, 0, 512))));
    }

    @Test
    void shortRemaindersBelowSixteenTokensAreNotCollected() {
        // 2048 / 513 = 3 sequences of 170-token shares: 3 × 170 = 510, then 3 tokens of each sequence
        BatchSchedule s = new BatchSchedule(513, false);
        List<BatchSchedule.Ubatch> group = s.group(3);
        assertThat(group).hasSize(4);
        assertThat(group.get(3).tokens()).isEqualTo(9);
        assertThat(group.get(3).collected()).isFalse();
        assertThat(group.get(2).collected()).isTrue();
        assertThat(s.group(1).getLast().tokens()).isEqualTo(1);
    }

    @Test
    void longContextsAreOneSequenceInMicroBatchesOf512() {
        BatchSchedule s = new BatchSchedule(3000, false);
        assertThat(s.sequences()).isEqualTo(1);
        assertThat(s.batchSize()).isEqualTo(2048);
        assertThat(s.group(1).stream().map(BatchSchedule.Ubatch::tokens).toList())
                .containsExactly(512, 512, 512, 512, 512, 440);
    }

    @Test
    void recurrentModelsGoOneSequenceAtATime() {
        BatchSchedule s = new BatchSchedule(256, true);
        List<BatchSchedule.Ubatch> group = s.group(8);
        assertThat(group).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(group.get(i).slices()).containsExactly(new BatchSchedule.Slice(i, 0, 256));
        }
    }

    @ParameterizedTest
    @CsvSource({"16,false", "100,false", "511,false", "512,false", "700,false", "1024,false", "1025,false",
            "4097,false", "100,true", "512,true", "2500,true"})
    void everyTokenOfEverySequenceComesOnceAndInOrder(int nCtx, boolean recurrent) {
        BatchSchedule s = new BatchSchedule(nCtx, recurrent);
        for (int nSeq = 1; nSeq <= s.sequences(); nSeq++) {
            int[] next = new int[nSeq];
            for (BatchSchedule.Ubatch u : s.group(nSeq)) {
                assertThat(u.tokens()).isBetween(1, BatchSchedule.N_UBATCH);
                for (BatchSchedule.Slice slice : u.slices()) {
                    assertThat(slice.from()).isEqualTo(next[slice.seq()]);
                    assertThat(slice.to()).isGreaterThan(slice.from());
                    next[slice.seq()] = slice.to();
                }
            }
            assertThat(next).containsOnly(nCtx);
        }
    }

    @Test
    void tinyContextsAndOversizedGroupsAreRejected() {
        assertThatThrownBy(() -> new BatchSchedule(8, false)).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> new BatchSchedule(512, false).group(5)).hasMessageContaining("1..4");
    }
}
