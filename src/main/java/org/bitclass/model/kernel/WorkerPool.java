package org.bitclass.model.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that split one range of work into contiguous chunks, one chunk per thread, the caller
 * taking the first. The split depends only on the range and the thread count, so results are reproducible for a
 * given thread count. Workers spin briefly before parking: a forward pass hands out many short jobs in a row.
 */
public final class WorkerPool implements AutoCloseable {

    /** Work on the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /** Busy-wait rounds before yielding, and yielding rounds before parking: short on a shared, busy machine. */
    private static final int SPINS = 2_000;
    private static final int YIELDS = 50;

    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile Job job;
    private volatile Throwable failure;
    private volatile boolean closed;

    private record Job(long generation, RangeTask task, int n, int grain, int chunks) {
    }

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    public int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks whose
     * boundaries are multiples of {@code grain}; returns when all chunks are done and rethrows the first failure.
     * One job runs at a time.
     */
    public synchronized void forRange(int n, int grain, RangeTask task) {
        int chunks = Math.min(threads(), Math.max(1, (n + grain - 1) / grain));
        if (chunks == 1) {
            task.run(0, n);
            return;
        }
        long generation = job == null ? 1 : job.generation + 1;
        Job j = new Job(generation, task, n, grain, chunks);
        failure = null;
        pending.set(chunks - 1);
        caller = Thread.currentThread();
        job = j;
        for (int i = 0; i < chunks - 1; i++) {
            LockSupport.unpark(workers[i].thread);
        }
        runChunk(j, 0);
        awaitWorkers();
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    private static void runChunk(Job j, int index) {
        int[] range = chunk(j.n, j.grain, j.chunks, index);
        if (range[0] < range[1]) {
            j.task.run(range[0], range[1]);
        }
    }

    /** Chunk {@code index} of {@code chunks} over {@code [0, n)}, boundaries rounded to multiples of grain. */
    static int[] chunk(int n, int grain, int chunks, int index) {
        int units = (n + grain - 1) / grain;
        int from = (int) ((long) units * index / chunks) * grain;
        int to = (int) ((long) units * (index + 1) / chunks) * grain;
        return new int[] {Math.min(from, n), Math.min(to, n)};
    }

    private void awaitWorkers() {
        for (int spins = 0; pending.get() != 0; spins++) {
            backOff(spins, 50_000);
        }
    }

    /** Spins, then yields the processor, then parks (for {@code parkNanos}, or until unparked if 0). */
    private void backOff(int round, long parkNanos) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else if (round < SPINS + YIELDS) {
            Thread.yield();
        } else if (parkNanos > 0) {
            LockSupport.parkNanos(this, parkNanos);
        } else {
            LockSupport.park(this);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        long seen;

        Worker(int index) {
            this.index = index;
            this.thread = Thread.ofPlatform().daemon().name("bitclass-worker-" + index).unstarted(this);
        }

        @Override
        public void run() {
            while (true) {
                Job j = awaitJob();
                if (j == null) {
                    return;
                }
                seen = j.generation;
                if (index < j.chunks) {
                    try {
                        runChunk(j, index);
                    } catch (Throwable t) {
                        failure = t;
                    }
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        private Job awaitJob() {
            for (int spins = 0; ; spins++) {
                if (closed) {
                    return null;
                }
                Job j = job;
                if (j != null && j.generation != seen) {
                    return j;
                }
                backOff(spins, 0);
            }
        }
    }
}
