package org.bitclass.calib;

import org.bitclass.quant.Imatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImatrixCollectorTest {

    /** Column sums must equal a plain float loop over the rows in order, bit for bit, whatever the vector width. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void sumsEqualARowByRowFloatReference(long seed) {
        Random rnd = new Random(seed);
        int dim = 1 + rnd.nextInt(70);
        ImatrixCollector c = new ImatrixCollector(false, true);
        float[] sq = new float[dim];
        float[] sum = new float[dim];
        long rows = 0;
        for (int call = 0; call < 6; call++) {
            int n = 1 + rnd.nextInt(40);
            float[] x = new float[n * dim];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 2));
            }
            c.onMatMulInput("blk.0.ffn_down.weight", x, n, dim);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < dim; j++) {
                    float v = x[r * dim + j];
                    sq[j] = sq[j] + v * v;
                    sum[j] = sum[j] + v;
                }
            }
            rows += n;
        }
        Imatrix.Entry e = c.entries().get("blk.0.ffn_down.weight");
        assertThat(e.sums()).containsExactly(sq);
        assertThat(e.inputSums()).containsExactly(sum);
        assertThat(e.counts()).containsExactly(rows);
        assertThat(c.maxRows()).isEqualTo(rows);
    }

    @Test
    void onlyBlockMatricesUnlessTheOutputHeadIsAsked() {
        ImatrixCollector plain = new ImatrixCollector(false, false);
        ImatrixCollector withOutput = new ImatrixCollector(true, false);
        for (String name : new String[]{"blk.3.attn_q.weight", "output.weight", "token_embd.weight", "other.weight"}) {
            for (ImatrixCollector c : new ImatrixCollector[]{plain, withOutput}) {
                c.onMatMulInput(name, new float[]{1, 2, 3, 4}, 2, 2);
            }
        }
        assertThat(plain.entries()).containsOnlyKeys("blk.3.attn_q.weight");
        assertThat(plain.entries().get("blk.3.attn_q.weight").inputSums()).isNull();
        assertThat(withOutput.entries()).containsOnlyKeys("blk.3.attn_q.weight", "output.weight", "token_embd.weight");
    }

    @Test
    void passesMarkedAsIgnoredAreNotCounted() {
        ImatrixCollector c = new ImatrixCollector(false, false);
        c.onMatMulInput("blk.0.attn_k.weight", new float[]{1, 2}, 1, 2);
        c.collecting(false);
        c.onMatMulInput("blk.0.attn_k.weight", new float[]{5, 5}, 1, 2);
        c.collecting(true);
        c.onMatMulInput("blk.0.attn_k.weight", new float[]{3, 1}, 1, 2);
        Imatrix.Entry e = c.entries().get("blk.0.attn_k.weight");
        assertThat(e.sums()).containsExactly(10, 5);
        assertThat(e.counts()).containsExactly(2);
    }

    @Test
    void nonFiniteSumsAndChangingWidthsAreErrors() {
        ImatrixCollector c = new ImatrixCollector(false, false);
        assertThatThrownBy(() -> c.onMatMulInput("blk.0.attn_q.weight", new float[]{1e30f, 0}, 1, 2))
                .hasMessageContaining("blk.0.attn_q.weight").hasMessageContaining("finite");
        c.onMatMulInput("blk.1.attn_q.weight", new float[]{1, 2}, 1, 2);
        assertThatThrownBy(() -> c.onMatMulInput("blk.1.attn_q.weight", new float[]{1, 2, 3}, 1, 3))
                .hasMessageContaining("3 values after 2");
    }
}
