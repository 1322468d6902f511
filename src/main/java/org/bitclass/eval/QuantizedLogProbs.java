package org.bitclass.eval;

import java.nio.ByteBuffer;

/**
 * One token's log-probabilities over the vocabulary as a kld-base file stores them: a float step, a float
 * offset (the smallest log-probability kept) and one 16-bit code per token, {@code log p = step * code + offset}.
 * The range is at most 16 nats below the most likely token; anything below it gets code 0. Reused token after token.
 */
public final class QuantizedLogProbs {

    /** Log-probabilities further than this below the maximum are clipped to the offset. */
    private static final float RANGE = 16f;
    private static final float LEVELS = 65535f;

    private final short[] codes;
    private float step;
    private float offset;

    public QuantizedLogProbs(int nVocab) {
        this.codes = new short[nVocab];
    }

    public int vocabSize() {
        return codes.length;
    }

    public float step() {
        return step;
    }

    public float offset() {
        return offset;
    }

    public int code(int token) {
        return Short.toUnsignedInt(codes[token]);
    }

    /** The stored log-probability of {@code token}, computed in float as llama.cpp decodes it. */
    public float logProb(int token) {
        return step * code(token) + offset;
    }

    /**
     * Encodes a row of logits as llama-perplexity's base-file writer does and returns {@code -log p(token)}
     * as it computes it there (in float: {@code max + log(sum) - logit}).
     */
    public double encode(float[] logits, int rowOffset, int token) {
        int n = codes.length;
        float max = logits[rowOffset];
        float min = logits[rowOffset];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, logits[rowOffset + i]);
            min = Math.min(min, logits[rowOffset + i]);
        }
        min = Math.max(min, max - RANGE);
        float logSumExp = (float) Math.log(LogSoftmax.sumExp(logits, rowOffset, n, max));
        offset = min - max - logSumExp;
        step = (max - min) / LEVELS;
        if (step != 0) {
            float inverse = 1 / step;
            for (int i = 0; i < n; i++) {
                float logit = logits[rowOffset + i];
                // a code of 65536 (a rounding overshoot at the maximum) wraps to 0 as in the uint16 store
                codes[i] = logit > min ? (short) Math.rint(inverse * (logit - min)) : 0;
            }
        } else {
            java.util.Arrays.fill(codes, (short) 0);
        }
        return max + logSumExp - logits[rowOffset + token];
    }

    /** Bytes of one record: step, offset, the codes, and a zero code padding an odd vocabulary to 4 bytes. */
    static int recordBytes(int nVocab) {
        return 2 * (2 * ((nVocab + 1) / 2) + 4);
    }

    /** Reads a record from a little-endian buffer positioned at its start. */
    void read(ByteBuffer in) {
        step = in.getFloat();
        offset = in.getFloat();
        in.asShortBuffer().get(codes);
        in.position(in.position() + recordBytes(codes.length) - 8);
    }

    /** Writes this record to a little-endian buffer. */
    void write(ByteBuffer out) {
        int start = out.position();
        out.putFloat(step).putFloat(offset);
        out.asShortBuffer().put(codes);
        int end = start + recordBytes(codes.length);
        out.position(start + 8 + 2 * codes.length);
        while (out.position() < end) {
            out.putShort((short) 0);
        }
    }
}
