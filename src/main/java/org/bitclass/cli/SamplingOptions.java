package org.bitclass.cli;

import org.bitclass.model.Sampler;
import picocli.CommandLine.Option;

/** Sampling options shared by {@code generate} and {@code chat}; defaults are llama.cpp's. */
final class SamplingOptions {

    @Option(names = "--temp", paramLabel = "T", description = "temperature; 0 picks the most likely token (default: ${DEFAULT-VALUE})")
    float temperature = 0.8f;

    @Option(names = "--top-k", paramLabel = "K", description = "keep the K most likely tokens, 0 = off (default: ${DEFAULT-VALUE})")
    int topK = 40;

    @Option(names = "--top-p", paramLabel = "P", description = "keep the smallest set with probability P, 1 = off (default: ${DEFAULT-VALUE})")
    float topP = 0.95f;

    @Option(names = "--min-p", paramLabel = "P", description = "drop tokens below P × the best one's probability (default: ${DEFAULT-VALUE})")
    float minP = 0.05f;

    @Option(names = "--repeat-penalty", paramLabel = "R", description = "penalize recent tokens, 1 = off (default: ${DEFAULT-VALUE})")
    float repeatPenalty = 1.0f;

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "how many recent tokens the penalty sees (default: ${DEFAULT-VALUE})")
    int repeatLastN = 64;

    @Option(names = "--seed", paramLabel = "N", description = "random seed (default: random)")
    Long seed;

    Sampler sampler() {
        if (temperature < 0 || topP <= 0 || topP > 1 || minP < 0 || minP > 1 || repeatPenalty <= 0) {
            throw new IllegalArgumentException("sampling options out of range: need --temp >= 0, 0 < --top-p <= 1, "
                    + "0 <= --min-p <= 1, --repeat-penalty > 0");
        }
        long s = seed != null ? seed : System.nanoTime();
        return new Sampler(new Sampler.Settings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s));
    }
}
