package org.bitclass.eval;

import static org.bitclass.eval.CFormat.fixed;

/** The text llama-perplexity prints in KL-divergence mode, character for character. */
public final class KldReport {

    /** llama.cpp prints no summary for fewer scored tokens than this. */
    public static final int MIN_TOKENS_FOR_SUMMARY = 100;

    private static final float[] KLD_PERCENTILES = {0.999f, 0.990f, 0.950f, 0.900f};
    private static final float[] KLD_LOW_PERCENTILES = {0.100f, 0.050f, 0.010f, 0.001f};
    private static final float[] P_DIFF_PERCENTILES = {0.999f, 0.990f, 0.950f, 0.900f, 0.750f};
    private static final float[] P_DIFF_LOW_PERCENTILES = {0.250f, 0.100f, 0.050f, 0.010f, 0.001f};

    private KldReport() {
    }

    public static String chunkHeader() {
        return "chunk             PPL               ln(PPL(Q)/PPL(base))          KL Divergence              Δp RMS"
                + "            Same top p";
    }

    /** The running figures after chunk {@code chunk} (1-based). */
    public static String chunkLine(int chunk, KldStatistics s) {
        Estimate ppl = s.ppl();
        Estimate lnRatio = s.lnPplRatio();
        Estimate kld = s.kld();
        Estimate rms = s.pDiffRms();
        Estimate top = s.sameTop();
        return String.format("%4d", chunk)
                + "    " + fixed(ppl.value(), 9, 4) + " ± " + fixed(ppl.error(), 9, 4)
                + "    " + fixed(lnRatio.value(), 10, 5) + " ± " + fixed(lnRatio.error(), 10, 5)
                + "    " + fixed(kld.value(), 10, 5) + " ± " + fixed(kld.error(), 10, 5)
                + "    " + fixed(100 * rms.value(), 6, 3) + " ± " + fixed(100 * rms.error(), 6, 3) + " %"
                + "    " + fixed(100 * top.value(), 6, 3) + " ± " + fixed(100 * top.error(), 6, 3) + " %";
    }

    /** The three statistics blocks printed at the end. */
    public static String summary(KldStatistics s, Distribution kld, Distribution pDiff) {
        StringBuilder out = new StringBuilder();
        out.append("====== Perplexity statistics ======\n");
        withError(out, "Mean PPL(Q)                   : ", s.ppl());
        withError(out, "Mean PPL(base)                : ", s.pplBase());
        out.append("Cor(ln(PPL(Q)), ln(PPL(base))): ").append(fixed(100 * s.lnPplCorrelation(), 6, 2)).append("%\n");
        withError(out, "Mean ln(PPL(Q)/PPL(base))     : ", s.lnPplRatio());
        withError(out, "Mean PPL(Q)/PPL(base)         : ", s.pplRatio());
        withError(out, "Mean PPL(Q)-PPL(base)         : ", s.pplDifference());
        out.append('\n');

        out.append("====== KL divergence statistics ======\n");
        withError(out, "Mean    KLD: ", s.kld());
        kldLine(out, "Maximum", kld.max());
        for (float f : KLD_PERCENTILES) {
            kldLine(out, percentLabel(f), kld.percentile(f));
        }
        kldLine(out, "Median ", kld.median());
        for (float f : KLD_LOW_PERCENTILES) {
            kldLine(out, percentLabel(f), kld.percentile(f));
        }
        kldLine(out, "Minimum", kld.min());
        out.append('\n');

        out.append("====== Token probability statistics ======\n");
        Estimate mean = s.pDiff();
        out.append("Mean    Δp: ").append(fixed(100 * mean.value(), 6, 3)).append(" ± ")
                .append(fixed(100 * mean.error(), 5, 3)).append(" %\n");
        pDiffLine(out, "Maximum", pDiff.max());
        for (float f : P_DIFF_PERCENTILES) {
            pDiffLine(out, percentLabel(f), pDiff.percentile(f));
        }
        pDiffLine(out, "Median ", pDiff.median());
        for (float f : P_DIFF_LOW_PERCENTILES) {
            pDiffLine(out, percentLabel(f), pDiff.percentile(f));
        }
        pDiffLine(out, "Minimum", pDiff.min());
        Estimate rms = s.pDiffRms();
        out.append("RMS Δp    : ").append(fixed(100 * rms.value(), 6, 3)).append(" ± ")
                .append(fixed(100 * rms.error(), 5, 3)).append(" %\n");
        Estimate top = s.sameTop();
        out.append("Same top p: ").append(fixed(100 * top.value(), 6, 3)).append(" ± ")
                .append(fixed(100 * top.error(), 5, 3)).append(" %\n");
        return out.toString();
    }

    private static void withError(StringBuilder out, String label, Estimate e) {
        out.append(label).append(fixed(e.value(), 10, 6)).append(" ± ").append(fixed(e.error(), 10, 6)).append('\n');
    }

    private static void kldLine(StringBuilder out, String label, float value) {
        out.append(label).append(" KLD: ").append(fixed(value, 10, 6)).append('\n');
    }

    private static void pDiffLine(StringBuilder out, String label, float value) {
        out.append(label).append(" Δp: ").append(fixed(100.0 * value, 6, 3)).append("%\n");
    }

    /** "99.9%  ", " 5.0%  ": the fraction as a percentage with one decimal, padded to seven characters. */
    private static String percentLabel(float fraction) {
        String label = fixed(Math.round(fraction * 1000) / 10.0, 4, 1) + "%";
        return label + " ".repeat(7 - label.length());
    }
}
