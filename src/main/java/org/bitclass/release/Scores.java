package org.bitclass.release;

import org.bitclass.eval.Estimate;

/**
 * A quantized file judged against the original on the eval text, the figures {@code bitclass perplexity --kld}
 * (and llama-perplexity) print for it.
 *
 * @param fileBytes  the whole file
 * @param bpw        bits per weight as llama-quantize counts them (tensor bytes × 8 over all elements)
 * @param tokens     tokens scored
 * @param lnPplRatio mean ln(PPL(Q)/PPL(base))
 * @param kld        mean KL divergence from the original's token distribution, with its standard error
 * @param sameTop    fraction of tokens where both rank the same token first
 * @param pDiffRms   RMS of the change in the probability of the right token
 * @param command    the standalone command that prints these figures
 */
public record Scores(String file, long fileBytes, double bpw, long tokens, Estimate ppl, Estimate lnPplRatio,
                     Estimate kld, double kldMedian, double kldP99_9, double kldMax, Estimate sameTop,
                     Estimate pDiffRms, String command) {
}
