package org.bitclass.eval;

import org.bitclass.model.LanguageModel;
import org.bitclass.model.Session;

import java.util.Arrays;

/**
 * A loaded {@link LanguageModel} as a {@link LogitsSource}. The unscored prefix is evaluated without logits, then the
 * scored positions in batches whose logits stay under {@value #MAX_BATCH_LOGITS} floats, so memory does not grow with
 * the vocabulary times the context. (The engine gives the same bits however a sequence is split into batches.)
 */
public final class ModelLogits implements LogitsSource {

    private static final int MAX_BATCH_LOGITS = 1 << 24;

    private final LanguageModel model;
    private final Session session;

    /** @param nCtx the longest sequence that will be evaluated */
    public ModelLogits(LanguageModel model, int nCtx) {
        this.model = model;
        this.session = model.newSession(nCtx);
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
    }

    @Override
    public void evaluate(int[] tokens, int from, int to, Rows rows) {
        int nVocab = model.vocabSize();
        session.reset();
        if (from > 0) {
            session.forward(Arrays.copyOfRange(tokens, 0, from), 0, Session.Outputs.LAST);
        }
        int batch = Math.max(1, MAX_BATCH_LOGITS / nVocab);
        for (int start = from; start < to; start += batch) {
            int end = Math.min(to, start + batch);
            float[] logits = session.forward(Arrays.copyOfRange(tokens, start, end), start, Session.Outputs.ALL);
            for (int p = start; p < end; p++) {
                rows.accept(p, logits, (p - start) * nVocab);
            }
        }
    }
}
