package org.bitclass.alloc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpearmanTest {

    @Test
    void monotoneSeriesCorrelatePerfectlyAndTiesShareTheirMeanRank() {
        assertThat(Spearman.correlation(new double[] {1, 2, 3, 4}, new double[] {10, 20, 300, 4000})).isEqualTo(1.0);
        assertThat(Spearman.correlation(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isEqualTo(-1.0);
        assertThat(Spearman.ranks(new double[] {5, 1, 5, 2})).containsExactly(3.5, 1, 3.5, 2);
        // textbook example: d² sum 2 over n = 5 gives 1 - 6·2/(5·24) = 0.9
        assertThat(Spearman.correlation(new double[] {1, 2, 3, 4, 5}, new double[] {2, 1, 3, 4, 5})).isCloseTo(0.9, within(1e-12));
    }
}
