package org.bitclass.cli;

import org.bitclass.model.Sampler;
import picocli.CommandLine.Option;

/** Sampling options shared by {@code generate} and {@code chat}; defaults and flags are llama.cpp's. */
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

    @Option(names = {"-s", "--seed"}, paramLabel = "N", description = "random seed, -1 = random (default: ${DEFAULT-VALUE})")
    long seed = -1;

    private void check() {
        OptionChecks.atLeast("--temp", temperature, 0);
        OptionChecks.atLeast("--top-k", topK, 0);
        OptionChecks.within("--top-p", topP, 0, false, 1);
        OptionChecks.within("--min-p", minP, 0, true, 1);
        OptionChecks.above("--repeat-penalty", repeatPenalty, 0);
        OptionChecks.atLeast("--repeat-last-n", repeatLastN, 0);
    }

    /** The sampler; options out of range are usage errors (call it before loading the model, to fail at once). */
    Sampler sampler() {
        check();
        long s = seed != -1 ? seed : System.nanoTime();
        return new Sampler(new Sampler.Settings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s));
    }
}
