package org.bitclass.serve;

import org.bitclass.model.BatchPart;
import org.bitclass.model.LanguageModel;
import org.bitclass.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching over a fixed set of slots, on one thread. Each step gives every busy slot its next token (or
 * a chunk of its prompt) and runs them all through the model as one batch, so the weights are read once for all
 * slots; a request waits in a bounded queue until a slot is free, and takes the free slot whose cache shares the
 * longest prefix with its prompt.
 */
final class Scheduler implements AutoCloseable {

    /** Prompt tokens one step may take in all, so a long prompt does not stall the slots that are generating. */
    private static final int PREFILL_BUDGET = 128;

    private final LanguageModel model;
    private final Slot[] slots;
    private final BlockingQueue<Completion> waiting;
    private final Thread thread;
    private volatile boolean closed;
    private volatile int busySlots;
    private volatile long decodeSteps;

    Scheduler(LanguageModel model, Tokenizer tokenizer, int parallel, int contextPerSlot, int queueLength) {
        this.model = model;
        this.slots = new Slot[parallel];
        for (int i = 0; i < parallel; i++) {
            slots[i] = new Slot(model.newSession(contextPerSlot), tokenizer);
        }
        this.waiting = new ArrayBlockingQueue<>(queueLength);
        this.thread = Thread.ofPlatform().name("bitclass-scheduler").daemon().start(this::run);
    }

    int contextPerSlot() {
        return slots[0].capacity();
    }

    /** Slots serving a request, as of the last step. */
    int busySlots() {
        return busySlots;
    }

    /** Tokens decoded so far for slots past their prompt: how long a request ran, counted in tokens. */
    long decodeSteps() {
        return decodeSteps;
    }

    /** Queues a request; refuses it when the queue is full or the server is shutting down. */
    void submit(Completion c) {
        int length = c.generation.prompt().length;
        if (length == 0) {
            throw ApiException.badRequest("the prompt is empty");
        }
        if (length >= contextPerSlot()) {
            throw ApiException.badRequest("the prompt has " + length + " tokens; a slot's context holds "
                    + contextPerSlot());
        }
        if (closed) {
            throw new ApiException(503, "the model was unloaded");
        }
        if (!waiting.offer(c)) {
            throw new ApiException(503, "the server is busy; try again later");
        }
        if (closed && waiting.remove(c)) { // closed meanwhile: the thread may have drained the queue already
            throw new ApiException(503, "the model was unloaded");
        }
    }

    private void run() {
        ApiException gone = new ApiException(503, "the model was unloaded");
        try {
            while (!closed) {
                if (!admit()) {
                    continue;
                }
                step();
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException | Error e) { // never die silently: new requests get 503 and these fail now
            closed = true;
            gone = new ApiException(503, "the server stopped generating: " + e);
            System.err.println("serve: " + gone.getMessage());
        }
        for (Slot s : slots) {
            if (s.busy()) {
                s.abandon(gone);
            }
        }
        for (Completion c; (c = waiting.poll()) != null; ) {
            c.post(new Completion.Failed(gone));
        }
    }

    /** Moves waiting requests into free slots; waits for one when nothing runs. Returns whether any slot is busy. */
    private boolean admit() throws InterruptedException {
        boolean anyBusy = false;
        for (Slot s : slots) {
            anyBusy |= s.busy();
        }
        if (!anyBusy) {
            busySlots = 0;
            Completion c = waiting.poll(100, TimeUnit.MILLISECONDS);
            if (c == null) {
                return false;
            }
            startInBestSlot(c);
        }
        for (Completion c; hasFreeSlot() && (c = waiting.poll()) != null; ) {
            startInBestSlot(c);
        }
        return true;
    }

    private boolean hasFreeSlot() {
        for (Slot s : slots) {
            if (!s.busy()) {
                return true;
            }
        }
        return false;
    }

    private void startInBestSlot(Completion c) {
        if (c.cancelled()) {
            return;
        }
        Slot best = null;
        int bestShared = -1;
        for (Slot s : slots) {
            int shared = s.busy() ? -1 : s.sharedPrefix(c.generation.prompt());
            if (!s.busy() && shared > bestShared) {
                best = s;
                bestShared = shared;
            }
        }
        try {
            best.start(c);
        } catch (RuntimeException e) { // this request's own trouble (its prompt, its sampler): it alone fails
            best.forgetCache();
            best.abandon(new ApiException(500, "cannot start this request: " + e.getMessage()));
        }
    }

    /** Runs one batch: the next token of each generating slot, then prompt chunks within the budget. */
    private void step() {
        List<Slot> running = new ArrayList<>();
        List<BatchPart> parts = new ArrayList<>();
        int budget = PREFILL_BUDGET;
        for (boolean prefill : new boolean[]{false, true}) {
            for (Slot s : slots) {
                if (!s.busy() || s.prefilling() != prefill || (prefill && budget == 0)) {
                    continue;
                }
                if (s.job().cancelled()) {
                    s.abandon(null);
                    continue;
                }
                BatchPart part = s.nextPart(budget);
                budget -= prefill ? part.tokens().length : 0;
                decodeSteps += prefill ? 0 : 1;
                running.add(s);
                parts.add(part);
            }
        }
        busySlots = running.size();
        if (parts.isEmpty()) {
            return;
        }
        float[][] logits;
        try {
            logits = model.forwardBatch(parts);
        } catch (RuntimeException e) {
            ApiException error = new ApiException(500, "the model failed: " + e.getMessage());
            for (Slot s : running) {
                s.forgetCache();
                s.abandon(error);
            }
            return;
        }
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).advance(parts.get(i), logits[i]);
            } catch (RuntimeException e) {
                running.get(i).forgetCache();
                running.get(i).abandon(new ApiException(500, "generation failed: " + e.getMessage()));
            }
        }
    }

    /** Stops the thread; requests still running or waiting fail with 503. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
