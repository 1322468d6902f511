package org.bitclass.release;

import org.bitclass.eval.Estimate;
import org.bitclass.eval.tasks.TaskKind;
import org.bitclass.quant.QuantizableTensors;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The release's {@code README.md}: a Hugging Face model card written from {@link ReleaseResults} alone, so that
 * every number in it is one of results.json's, formatted.
 */
final class ModelCard {

    private ModelCard() {
    }

    static String of(ReleaseResults r, List<String> plots) {
        StringBuilder md = new StringBuilder();
        frontMatter(md, r);
        md.append("# ").append(r.name()).append(" — GGUF levels by BitClass\n\n");
        md.append("Mixed-precision GGUF files of `").append(r.model().file()).append("` (").append(r.model().architecture())
                .append(", ").append(String.format(Locale.ROOT, "%,d", r.model().parameters()))
                .append(" parameters). Each level is a BitClass allocation: a type for every tensor, chosen by measured"
                        + " effect on the output, within the size of llama-quantize's recipe of that level (the stock file"
                        + " is published beside it for comparison). Every file loads in stock llama.cpp.\n\n");
        md.append("## Levels\n\n").append(levelsTable(r)).append('\n');
        md.append("**Recommended: ").append(r.recommended().level()).append("** — by the rule: ")
                .append(r.recommended().rule()).append(".\n\n");
        md.append("PPL and KLD are measured on `").append(r.texts().eval().file()).append("` (")
                .append(r.texts().scoredTokens()).append(" scored tokens) against the original, whose PPL there is ")
                .append(est(r.base().ppl(), 4)).append(".\n\n");
        md.append("## Head to head: BitClass against the stock recipe of the same size\n\n").append(headToHead(r)).append('\n');
        losses(md, r);
        findings(md, r);
        howItWorks(md, r);
        usage(md, r);
        benchmark(md, r);
        md.append("## Plots\n\n");
        for (String p : plots) {
            md.append("![").append(p).append("](").append(ReleasePlots.FOLDER).append('/').append(p).append(".png)\n\n");
        }
        md.append("Vector versions: `").append(ReleasePlots.FOLDER).append("/*.svg`. Every figure above, with the command"
                + " that reproduces it, is in `").append(ReleaseResults.FILE).append("`.\n");
        return md.toString();
    }

    private static void frontMatter(StringBuilder md, ReleaseResults r) {
        md.append("---\n");
        if (r.model().license() != null) {
            md.append("license: ").append(yaml(r.model().license())).append('\n');
        }
        md.append("base_model: ").append(yaml(r.model().name())).append('\n');
        md.append("quantized_by: BitClass\n");
        md.append("tags:\n  - gguf\n  - quantized\n  - bitclass\n  - ").append(yaml(r.model().architecture())).append('\n');
        md.append("---\n\n");
    }

    private static String yaml(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String levelsTable(ReleaseResults r) {
        StringBuilder t = new StringBuilder();
        t.append("| level | file | size MiB | BPW | PPL | KLD mean | KLD median | KLD 99.9 % | same top % |");
        r.originalTasks().forEach(task -> t.append(' ').append(task.task()).append(" % |"));
        t.append(" use case |\n");
        t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|").append("---:|".repeat(r.originalTasks().size()))
                .append("---|\n");
        for (ReleaseResults.Level l : r.levels()) {
            Scores s = l.bitclass();
            t.append("| ").append(l.level()).append(l.level().equals(r.recommended().level()) ? " ★" : "")
                    .append(" | `").append(s.file()).append("` | ").append(f(s.fileBytes() / 1048576.0, 2))
                    .append(" | ").append(f(s.bpw(), 2)).append(" | ").append(est(s.ppl(), 4))
                    .append(" | ").append(est(s.kld(), 6)).append(" | ").append(f(s.kldMedian(), 6))
                    .append(" | ").append(f(s.kldP99_9(), 6)).append(" | ").append(f(100 * s.sameTop().value(), 2));
            l.bitclassTasks().forEach(task -> t.append(" | ").append(task(task)));
            t.append(" | ").append(l.useCase()).append(" |\n");
        }
        if (!r.originalTasks().isEmpty()) {
            t.append("\nDownstream scores of the original: ").append(String.join("; ", r.originalTasks().stream()
                    .map(task -> task.task() + " " + task(task) + " (" + task.tasks() + " tasks)").toList()))
                    .append(". HellaSwag shows its 95 % interval, the others ± one standard error.\n");
        }
        return t.toString();
    }

    /** An accuracy with the range llama-perplexity prints for it. */
    static String task(DownstreamScore s) {
        if (s.low() == null) {
            return f(s.percent(), 2);
        }
        return s.task().equals(TaskKind.HELLASWAG.option())
                ? f(s.percent(), 2) + " [" + f(s.low(), 2) + ", " + f(s.high(), 2) + "]"
                : f(s.percent(), 2) + " ± " + f(s.high() - s.percent(), 2);
    }

    static String headToHead(ReleaseResults r) {
        StringBuilder t = new StringBuilder();
        t.append("| level | stock size MiB | BitClass size MiB | stock KLD | BitClass KLD | change | stock KLD 99.9 % | BitClass KLD 99.9 % |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ReleaseResults.Level l : r.levels()) {
            t.append("| ").append(l.level()).append(" | ").append(f(l.stock().fileBytes() / 1048576.0, 2))
                    .append(" | ").append(f(l.bitclass().fileBytes() / 1048576.0, 2))
                    .append(" | ").append(est(l.stock().kld(), 6)).append(" | ").append(est(l.bitclass().kld(), 6))
                    .append(" | ").append(String.format(Locale.ROOT, "%+.1f %%", 100 * l.kldChange()))
                    .append(" | ").append(f(l.stock().kldP99_9(), 6)).append(" | ").append(f(l.bitclass().kldP99_9(), 6))
                    .append(" |\n");
        }
        return t.toString();
    }

    /** Says so where BitClass's file is worse than stock's on the mean KLD, and why when the data tells. */
    private static void losses(StringBuilder md, ReleaseResults r) {
        List<String> lost = r.levels().stream().filter(l -> l.kldChange() > 0).map(ReleaseResults.Level::level).toList();
        if (lost.isEmpty()) {
            return;
        }
        md.append("At ").append(String.join(", ", lost)).append(" the BitClass file has the higher mean KLD.");
        if (r.findings().measure().equals(Findings.HESSIAN)) {
            md.append(" This release had no calibration text: the allocator weighed the tensors by the Hessian figure"
                    + " alone and could not check its choice against the stock recipe; give `--calib`.");
        }
        md.append("\n\n");
    }

    private static void findings(StringBuilder md, ReleaseResults r) {
        Findings f = r.findings();
        md.append("## Findings\n\n");
        md.append("Sensitivity below is the ").append(f.measure()).append(f.measure().equals(Findings.PROBES)
                ? " (each weight matrix quantized alone to Q3_K, the mean KL divergence of the model's output on the"
                + " calibration tokens)" : " (Σ H·w² from the importance matrix)").append(".\n\n");
        md.append("- **Most sensitive layers**: ").append(groups(f.layers(), "layer ")).append(".\n");
        md.append("- **Most sensitive roles**: ").append(groups(f.roles(), "")).append(".\n");
        Findings.KeyValue kv = f.keyValue();
        md.append(String.format(Locale.ROOT, "- **K against V**: attention keys (`attn_k`) carry %.1f %% of the"
                + " sensitivity, values (`attn_v`) %.1f %% — %s.", 100 * kv.kShare(), 100 * kv.vShare(),
                kv.v() > kv.k() ? String.format(Locale.ROOT, "V is %.1f× as sensitive as K", kv.v() / kv.k())
                        : String.format(Locale.ROOT, "K is %.1f× as sensitive as V", kv.k() / kv.v())));
        md.append(" Mean bits per weight given to K / V: ").append(kv.bits().stream().map(b -> String.format(Locale.ROOT,
                "%s BitClass %.2f / %.2f, stock %.2f / %.2f", b.level(), b.oursK(), b.oursV(), b.stockK(), b.stockV()))
                .collect(Collectors.joining("; "))).append(".\n");
        if (f.flagged().isEmpty()) {
            md.append("- **Health scan**: no tensor stands out among its same-role peers in other layers.\n");
        } else {
            md.append("- **Health scan**: ").append(f.flagged().size()).append(" tensor(s) stand out among their"
                    + " same-role peers (robust z-score beyond ±3.5): ").append(f.flagged().stream().limit(8)
                    .map(x -> "`" + x.tensor() + "` (" + x.z().entrySet().stream().map(e -> String.format(Locale.ROOT,
                            "%s z=%+.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")) + ")")
                    .collect(Collectors.joining(", "))).append(f.flagged().size() > 8 ? " and " + (f.flagged().size() - 8) + " more" : "").append(". ")
                    .append(flaggedLayers(f.flagged())).append('\n');
        }
        md.append('\n');
    }

    /** Where the flagged tensors are: the layer holding most of them. */
    private static String flaggedLayers(List<Findings.Flag> flagged) {
        Map<Integer, Long> byLayer = flagged.stream().collect(Collectors.groupingBy(
                x -> QuantizableTensors.layerOf(x.tensor()), TreeMap::new, Collectors.counting()));
        var top = byLayer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return String.format(Locale.ROOT, "%d of the %d are in %s.", top.getValue(), flagged.size(),
                top.getKey() < 0 ? "no layer (embedding, head, final norm)" : "layer " + top.getKey());
    }

    private static String groups(List<Findings.Group> groups, String prefix) {
        return groups.stream().limit(3).map(g -> String.format(Locale.ROOT, "%s%s (%.1f %%)", prefix,
                prefix.isEmpty() ? "`" + g.key() + "`" : g.key(), 100 * g.share())).collect(Collectors.joining(", "));
    }

    private static void howItWorks(StringBuilder md, ReleaseResults r) {
        md.append("## How it was made\n\n");
        md.append("With ").append(r.tool()).append(" (pure Java) on ").append(r.environment().java()).append(".\n\n");
        ReleaseResults.Texts t = r.texts();
        if (t.calibration() != null) {
            md.append("- Calibration text: `").append(t.calibration().file()).append("`, ")
                    .append(t.calibration().bytes()).append(" bytes, ").append(t.calibration().tokens()).append(" tokens.\n");
        }
        md.append("- Eval text: `").append(t.eval().file()).append("`, ").append(t.eval().bytes()).append(" bytes, ")
                .append(t.eval().tokens()).append(" tokens; ").append(t.evalChunks()).append(" chunks of ")
                .append(t.contextSize()).append(" tokens, ").append(t.scoredTokens()).append(" scored.\n");
        md.append("- Importance matrix: `").append(r.imatrix().file()).append("` (").append(r.imatrix().source())
                .append(r.imatrix().chunks() == null ? "" : ", " + r.imatrix().chunks() + " chunks, PPL "
                        + est(r.imatrix().ppl(), 4)).append(").\n\n");
        md.append("The equivalent commands, one at a time:\n\n```\n");
        if (r.imatrix().command() != null) {
            md.append(r.imatrix().command()).append('\n');
        }
        md.append(r.base().command()).append('\n');
        for (ReleaseResults.Level l : r.levels()) {
            md.append(l.recipeCommand()).append('\n').append(l.bitclassCommand()).append('\n').append(l.stockCommand())
                    .append('\n').append(l.bitclass().command()).append('\n').append(l.stock().command()).append('\n');
        }
        md.append("```\n\nThe recipes in `recipes/` also come as llama-quantize rules (`*.tensor-types.txt`):"
                + " `llama-quantize --imatrix ").append(r.imatrix().file())
                .append(" --tensor-type-file RULES MODEL OUT LEVEL` writes the same tensors.\n\n");
    }

    private static void usage(StringBuilder md, ReleaseResults r) {
        String file = r.levels().stream().filter(l -> l.level().equals(r.recommended().level())).findFirst()
                .orElseThrow().bitclass().file();
        md.append("## Usage\n\n```\n")
                .append("llama-cli -m ").append(file).append(" -p \"Hello\"\n")
                .append("llama-server -m ").append(file).append(" --port 8080\n")
                .append("bitclass chat ").append(file).append('\n')
                .append("bitclass serve ").append(file).append('\n')
                .append("```\n\n");
    }

    private static void benchmark(StringBuilder md, ReleaseResults r) {
        ReleaseResults.Environment e = r.environment();
        md.append("## Benchmark details\n\n");
        md.append("Machine: ").append(e.cpu()).append(", ").append(e.cores()).append(" cores, ").append(e.os())
                .append("; ").append(e.threads()).append(" threads.\n\n");
        md.append("| stage | seconds |\n|---|---:|\n");
        double total = 0;
        for (Map.Entry<String, Double> s : r.timings().entrySet()) {
            md.append("| ").append(s.getKey()).append(" | ").append(f(s.getValue(), 1)).append(" |\n");
            total += s.getValue();
        }
        md.append("| total | ").append(f(total, 1)).append(" |\n\n");
    }

    private static String est(Estimate e, int digits) {
        return f(e.value(), digits) + " ± " + f(e.error(), digits);
    }

    static String f(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
