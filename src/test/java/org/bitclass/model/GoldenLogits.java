package org.bitclass.model;

import org.bitclass.testutil.SharedData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;

/** llama.cpp's logits for the KJV test head (shared/golden/logits) and the measures to compare against them. */
final class GoldenLogits {

    static final int N_VOCAB = 4101;

    private GoldenLogits() {
    }

    static int[] tokens() throws IOException {
        String text = Files.readString(SharedData.path("golden/logits/kjv-test-head.tokens.txt")).trim();
        return Arrays.stream(text.split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    /** {@code [n_tokens × n_vocab]} little-endian float32. */
    static float[] logits(String file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(SharedData.path("golden/logits/" + file)))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** ‖actual − expected‖₂ / ‖expected‖₂. */
    static double relativeL2(float[] actual, float[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** Mean over positions of KL(softmax(expected) ‖ softmax(actual)). */
    static double meanKl(float[] actual, float[] expected, int nVocab) {
        int rows = expected.length / nVocab;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] p = logSoftmax(expected, r * nVocab, nVocab);
            double[] q = logSoftmax(actual, r * nVocab, nVocab);
            for (int i = 0; i < nVocab; i++) {
                total += Math.exp(p[i]) * (p[i] - q[i]);
            }
        }
        return total / rows;
    }

    private static double[] logSoftmax(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[off + i] - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[off + i] - log;
        }
        return out;
    }
}
