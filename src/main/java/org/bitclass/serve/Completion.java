package org.bitclass.serve;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One request's generation as it travels from the HTTP handler to a slot and back: the scheduler thread posts
 * events, the handler's thread takes them, so a slow client never holds up the scheduler. The handler cancels
 * when its client goes away; the scheduler frees the slot at its next step.
 */
final class Completion {

    enum Finish {
        STOP("stop"), LENGTH("length");

        final String openAiName;

        Finish(String openAiName) {
            this.openAiName = openAiName;
        }
    }

    sealed interface Event {
    }

    record Text(String text) implements Event {
    }

    /** The end of a reply; {@code cachedTokens} of the prompt were already in the slot's cache. */
    record Done(Finish finish, int promptTokens, int cachedTokens, int completionTokens) implements Event {
    }

    record Failed(ApiException error) implements Event {
    }

    final Generation generation;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    Completion(Generation generation) {
        this.generation = generation;
    }

    void post(Event e) {
        events.add(e);
    }

    /** The next event, waiting for it at most {@code millis}; null when none came. */
    Event next(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }
}
