package org.bitclass.serve;

import org.bitclass.model.Sampler;

import java.util.List;

/**
 * What one request asks the model to do: continue {@code prompt} with at most {@code maxTokens} tokens drawn with
 * {@code sampling}, stopping early at any of {@code stops}.
 */
record Generation(int[] prompt, Sampler.Settings sampling, int maxTokens, List<String> stops) {

    /** Reads the sampling fields llama-server reads, with its defaults; prompt and token limit come from the caller. */
    static Generation parse(Fields f, int[] prompt, int defaultMaxTokens) {
        if (f.integer("n", 1, 1, 1) != 1) {
            throw ApiException.badRequest("'n' must be 1");
        }
        for (String unsupported : List.of("frequency_penalty", "presence_penalty")) {
            if (f.number(unsupported, 0, -2, 2) != 0) {
                throw ApiException.badRequest("'" + unsupported + "' is not supported; use repeat_penalty");
            }
        }
        long limit = f.integer("max_completion_tokens", f.integer("max_tokens", defaultMaxTokens, 1, Integer.MAX_VALUE),
                1, Integer.MAX_VALUE);
        long seed = f.has("seed") ? f.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : System.nanoTime();
        Sampler.Settings settings = new Sampler.Settings(
                (float) f.number("temperature", 0.8, 0, 100),
                (int) f.integer("top_k", 40, 0, Integer.MAX_VALUE),
                positive(f, "top_p", 0.95, 1),
                (float) f.number("min_p", 0.05, 0, 1),
                positive(f, "repeat_penalty", 1.0, 100),
                (int) f.integer("repeat_last_n", 64, 0, Integer.MAX_VALUE),
                seed);
        return new Generation(prompt, settings, (int) limit, f.strings("stop"));
    }

    private static float positive(Fields f, String name, double fallback, double max) {
        double v = f.number(name, fallback, 0, max);
        if (v == 0) {
            throw ApiException.badRequest("'" + name + "' must be above 0");
        }
        return (float) v;
    }
}
