package org.bitclass.serve;

import org.bitclass.model.kernel.QuantizedBatches;

/**
 * How the server runs.
 *
 * @param contextPerSlot tokens of context per slot; 0 for the model's, at most 4096
 * @param apiKey         required as {@code Authorization: Bearer KEY} on the API when not null
 * @param maxBodyBytes   larger request bodies are refused with 413
 * @param bodyMillis     a request body must arrive within this time, else 408
 * @param batches        how prompt batches of quantized weights are multiplied
 */
public record ServerSettings(String host, int port, int parallel, int contextPerSlot, int threads, String apiKey,
                             int queueLength, int maxBodyBytes, long bodyMillis, QuantizedBatches batches) {

    public ServerSettings {
        if (parallel < 1 || parallel > 256) {
            throw new IllegalArgumentException("--parallel must be between 1 and 256, got " + parallel);
        }
        if (contextPerSlot < 0) {
            throw new IllegalArgumentException("--ctx must be positive, got " + contextPerSlot);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            throw new IllegalArgumentException("--api-key must not be empty");
        }
    }

    /** Defaults for everything but where to listen, the slots, the context, the threads and the key. */
    public static ServerSettings of(String host, int port, int parallel, int contextPerSlot, int threads, String apiKey) {
        return new ServerSettings(host, port, parallel, contextPerSlot, threads, apiKey, 256, 4 << 20, 30_000,
                QuantizedBatches.EXACT);
    }

    ServerSettings withBodyMillis(long millis) {
        return new ServerSettings(host, port, parallel, contextPerSlot, threads, apiKey, queueLength, maxBodyBytes, millis,
                batches);
    }

    /** These settings with quantized prompt batches multiplied as {@code b} says ({@code --float-batches}). */
    public ServerSettings withBatches(QuantizedBatches b) {
        return new ServerSettings(host, port, parallel, contextPerSlot, threads, apiKey, queueLength, maxBodyBytes,
                bodyMillis, b);
    }
}
