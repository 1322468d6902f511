package org.bitclass.release;

import org.bitclass.eval.Estimate;

/**
 * The original model on the eval text: its perplexity and what was saved for the comparisons.
 *
 * @param file    the KLD base file (llama-perplexity's {@code --kl-divergence-base} format)
 * @param command the standalone command that prints the perplexity and writes the same file
 */
public record BaseScores(String file, long fileBytes, double bpw, int chunks, int contextSize, long tokens,
                         Estimate ppl, String command) {
}
