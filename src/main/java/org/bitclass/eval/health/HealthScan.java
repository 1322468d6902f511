package org.bitclass.eval.health;

import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Scans every decodable tensor of a model on a pool of threads and compares each with its same-role peers. */
public final class HealthScan {

    private HealthScan() {
    }

    /** The tensors {@link #run} will scan (the others are listed as skipped in the report). */
    public static List<TensorInfo> scannable(GgufModel m) {
        return m.tensors().stream().filter(TensorScanner::canScan).toList();
    }

    /** The report; {@code step} runs once per tensor scanned, from the worker threads. */
    public static HealthReport run(GgufModel m, int threads, Runnable step) throws InterruptedException {
        List<String> skipped = m.tensors().stream().filter(t -> !TensorScanner.canScan(t))
                .map(t -> t.name() + " (type " + t.type() + " cannot be decoded)").toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<TensorHealth>> futures = new ArrayList<>();
            for (TensorInfo t : scannable(m)) {
                futures.add(pool.submit(() -> {
                    TensorHealth h = TensorScanner.scan(m, t);
                    step.run();
                    return h;
                }));
            }
            List<TensorHealth> results = new ArrayList<>();
            for (Future<TensorHealth> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            return HealthReport.of(results, skipped);
        }
    }
}
