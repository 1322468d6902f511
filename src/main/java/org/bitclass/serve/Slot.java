package org.bitclass.serve;

import org.bitclass.model.BatchPart;
import org.bitclass.model.RecurrentSession;
import org.bitclass.model.Sampler;
import org.bitclass.model.Session;
import org.bitclass.model.StopMatcher;
import org.bitclass.tokenizer.TokenStreamDecoder;
import org.bitclass.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * One sequence the server can run at a time: its session, the tokens its cache holds (kept between requests, so a
 * follow-up prompt evaluates only what differs), and the request it is serving. Used by the scheduler thread only.
 */
final class Slot {

    private final Session session;
    private final Tokenizer tokenizer;
    /** Tokens in the session's cache, in order: {@code cached[0 .. cachedLength)}. */
    private int[] cached = new int[0];
    private int cachedLength;
    /**
     * A recurrent session's state after all but the last token of a prompt. Such a state cannot drop tokens, so a
     * new prompt that leaves the cache's tokens resumes from here when it shares the tokens the state covers.
     */
    private RecurrentSession.State checkpoint;

    private Completion job;
    private int[] prompt;
    private Sampler sampler;
    private TokenStreamDecoder decoder;
    private StopMatcher matcher;
    private int generated;
    /** Prompt tokens the cache already held when the request started. */
    private int reused;
    /** The token sampled last, which runs in the next step. */
    private int next;

    Slot(Session session, Tokenizer tokenizer) {
        this.session = session;
        this.tokenizer = tokenizer;
    }

    boolean busy() {
        return job != null;
    }

    Completion job() {
        return job;
    }

    int capacity() {
        return session.capacity();
    }

    /** How many leading tokens of {@code tokens} the cache already holds. */
    int sharedPrefix(int[] tokens) {
        int n = 0;
        while (n < cachedLength && n < tokens.length && cached[n] == tokens[n]) {
            n++;
        }
        return n;
    }

    void start(Completion c) {
        job = c;
        prompt = c.generation.prompt();
        int keep = Math.min(sharedPrefix(prompt), prompt.length - 1); // at least one token must run to give logits
        if (keep < cachedLength && session instanceof RecurrentSession recurrent) {
            if (checkpoint != null && checkpoint.position() <= keep) {
                recurrent.restore(checkpoint);
                keep = checkpoint.position();
            } else {
                keep = 0;
            }
        }
        cutCache(keep);
        reused = keep;
        sampler = new Sampler(c.generation.sampling());
        for (int t : prompt) {
            sampler.accept(t);
        }
        decoder = tokenizer.streamDecoder(false);
        matcher = new StopMatcher(c.generation.stops(), text -> c.post(new Completion.Text(text)));
        generated = 0;
    }

    boolean prefilling() {
        return cachedLength < prompt.length;
    }

    /** The tokens this slot runs in the next step: up to {@code budget} prompt tokens, or the token sampled last. */
    BatchPart nextPart(int budget) {
        int end = checkpointDue() ? prompt.length - 1 : prompt.length;
        int[] tokens = prefilling()
                ? Arrays.copyOfRange(prompt, cachedLength, cachedLength + Math.min(budget, end - cachedLength))
                : new int[]{next};
        return new BatchPart(session, tokens, cachedLength);
    }

    /** Whether a recurrent session still has to reach the point where its prompt's checkpoint is taken. */
    private boolean checkpointDue() {
        return session instanceof RecurrentSession && cachedLength < prompt.length - 1;
    }

    /** Takes the logits of the part it ran: records the tokens, and once the prompt is in, samples the next one. */
    void advance(BatchPart part, float[] logits) {
        remember(part.tokens());
        if (session instanceof RecurrentSession recurrent && cachedLength == prompt.length - 1) {
            checkpoint = recurrent.save();
        }
        if (prefilling()) {
            return;
        }
        int token = sampler.sample(logits);
        sampler.accept(token);
        if (tokenizer.isEog(token)) {
            flushText();
            finish(Completion.Finish.STOP);
            return;
        }
        generated++;
        if (matcher.push(decoder.push(token))) {
            finish(Completion.Finish.STOP); // the text is cut before the stop string: nothing more to pass on
        } else if (generated >= job.generation.maxTokens() || cachedLength + 1 >= session.capacity()) {
            flushText();
            finish(Completion.Finish.LENGTH);
        } else {
            next = token;
        }
    }

    private void remember(int[] tokens) {
        if (cachedLength + tokens.length > cached.length) {
            cached = Arrays.copyOf(cached, Math.max(2 * cached.length, cachedLength + tokens.length));
        }
        System.arraycopy(tokens, 0, cached, cachedLength, tokens.length);
        cachedLength += tokens.length;
    }

    private void flushText() {
        matcher.push(decoder.flush());
        matcher.finish();
    }

    private void finish(Completion.Finish reason) {
        job.post(new Completion.Done(reason, prompt.length, reused, generated));
        release();
    }

    /** Ends the request without a result: its client left, or the model failed. */
    void abandon(ApiException error) {
        if (error != null) {
            job.post(new Completion.Failed(error));
        }
        release();
    }

    /** Forgets the cache, whose content is unknown after a failed step. */
    void forgetCache() {
        cutCache(0);
    }

    /** Keeps the first {@code length} cached tokens; a checkpoint past them no longer matches the cache. */
    private void cutCache(int length) {
        cachedLength = length;
        if (checkpoint != null && checkpoint.position() > length) {
            checkpoint = null;
        }
    }

    private void release() {
        job = null;
        prompt = null;
        sampler = null;
        decoder = null;
        matcher = null;
    }
}
