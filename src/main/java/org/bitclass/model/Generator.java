package org.bitclass.model;

import org.bitclass.tokenizer.TokenStreamDecoder;
import org.bitclass.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Text generation on one session: evaluates a prompt (reusing the cached prefix it shares with what the session
 * already holds), then samples token by token, streaming complete UTF-8 text and stopping at an end-of-generation
 * token, a stop string, the token limit, the context's end or a cancel request.
 */
public final class Generator {

    public enum StopReason { END_OF_GENERATION, STOP_STRING, LENGTH, CONTEXT_FULL, CANCELLED }

    /** The tokens and text generated (the stop string, if any, cut off) and why generation ended. */
    public record Result(int[] tokens, String text, StopReason reason, int promptTokens, long promptNanos, long genNanos) {
    }

    private final Session session;
    private final Tokenizer tokenizer;
    private final List<Integer> history = new ArrayList<>();

    public Generator(Session session, Tokenizer tokenizer) {
        this.session = session;
        this.tokenizer = tokenizer;
    }

    /** Forgets the conversation: the next prompt is evaluated from the start. */
    public void reset() {
        session.reset();
        history.clear();
    }

    /**
     * Generates a continuation of {@code prompt}.
     *
     * @param onText    receives the text as it becomes final (never part of a stop string)
     * @param cancelled polled once per token
     */
    public Result generate(int[] prompt, Sampler sampler, int maxTokens, List<String> stops, Consumer<String> onText,
                           BooleanSupplier cancelled) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (prompt.length >= session.capacity()) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens, the context holds "
                    + session.capacity());
        }
        long t0 = System.nanoTime();
        float[] logits = evaluatePrompt(prompt);
        for (int t : prompt) {
            sampler.accept(t);
        }
        long t1 = System.nanoTime();
        TokenStreamDecoder decoder = tokenizer.streamDecoder(false);
        StopMatcher matcher = new StopMatcher(stops, onText);
        List<Integer> out = new ArrayList<>();
        StopReason reason = StopReason.LENGTH;
        while (out.size() < maxTokens) {
            if (cancelled.getAsBoolean()) {
                reason = StopReason.CANCELLED;
                break;
            }
            int token = sampler.sample(logits);
            sampler.accept(token);
            if (tokenizer.isEog(token)) {
                reason = StopReason.END_OF_GENERATION;
                break;
            }
            out.add(token);
            if (matcher.push(decoder.push(token))) {
                reason = StopReason.STOP_STRING;
                break;
            }
            if (session.position() + 1 >= session.capacity()) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            logits = session.append(new int[]{token}, Session.Outputs.LAST);
            history.add(token);
        }
        if (reason != StopReason.STOP_STRING) {
            matcher.push(decoder.flush());
            matcher.finish();
        }
        int[] tokens = out.stream().mapToInt(Integer::intValue).toArray();
        return new Result(tokens, matcher.text(), reason, prompt.length, t1 - t0, System.nanoTime() - t1);
    }

    /** Evaluates only the part of {@code prompt} the session does not already hold; returns the last logits. */
    private float[] evaluatePrompt(int[] prompt) {
        int common = 0;
        while (common < history.size() && common < prompt.length && history.get(common) == prompt[common]) {
            common++;
        }
        common = Math.min(common, prompt.length - 1); // at least one token must run to give logits
        if (common < history.size() && session instanceof RecurrentSession) {
            common = 0; // a recurrent state cannot drop its last tokens: evaluate the whole prompt again
        }
        while (history.size() > common) {
            history.removeLast();
        }
        int[] suffix = java.util.Arrays.copyOfRange(prompt, common, prompt.length);
        float[] logits = session.forward(suffix, common, Session.Outputs.LAST);
        for (int t : suffix) {
            history.add(t);
        }
        return logits;
    }
}
