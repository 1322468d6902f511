package org.bitclass.release;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitclass.alloc.TensorProbe;
import org.bitclass.calib.TensorSensitivity;
import org.bitclass.gguf.GgmlType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the data says about the model: where it is most sensitive, attention keys against values, and the tensors
 * the health scan flags. Computed from the stages' outputs, so the card's sentences carry the same numbers as
 * results.json.
 *
 * @param measure   what "sensitivity" means here: the measured one-tensor KLD probes, or the Hessian figure
 * @param layers    layers, most sensitive first, with their share of the total
 * @param roles     roles (attn_k, ffn_down, …), most sensitive first
 * @param keyValue  attn_k against attn_v: their sensitivity and the bits per weight each file gives them
 * @param flagged   tensors the health scan flags
 * @param sources   each file the findings come from, with the standalone command that writes it
 */
public record Findings(String measure, List<Group> layers, List<Group> roles, KeyValue keyValue, List<Flag> flagged,
                       Map<String, String> sources) {

    /** One tensor's sensitivity, whichever measure. */
    public record TensorWeight(String name, int layer, String role, double value) {
    }

    public record Group(String key, int tensors, double value, double share) {
    }

    /** Mean bits per weight of attn_k and attn_v in one level's BitClass and stock files. */
    public record KeyValueBits(String level, double oursK, double oursV, double stockK, double stockV) {
    }

    public record KeyValue(double k, double v, double kShare, double vShare, List<KeyValueBits> bits) {
    }

    /** A flagged tensor and the statistics (with robust z-scores) it stands out in. */
    public record Flag(String tensor, String role, Map<String, Double> z) {
    }

    static final String PROBES = "measured KLD of one-tensor probes";
    static final String HESSIAN = "Hessian-diagonal figure";

    static Findings of(ReleaseData d, Map<String, String> sources) {
        List<TensorWeight> weights = weights(d);
        double total = weights.stream().mapToDouble(TensorWeight::value).sum();
        List<Group> layers = groups(weights.stream().filter(w -> w.layer() >= 0).toList(), w -> Integer.toString(w.layer()), total);
        List<Group> roles = groups(weights, TensorWeight::role, total);
        double k = sum(weights, "attn_k");
        double v = sum(weights, "attn_v");
        List<KeyValueBits> bits = d.levels().stream().map(l -> new KeyValueBits(l.level().name(),
                meanBits(l.ourTypes(), "attn_k"), meanBits(l.ourTypes(), "attn_v"),
                meanBits(l.stockTypes(), "attn_k"), meanBits(l.stockTypes(), "attn_v"))).toList();
        return new Findings(d.probes() != null ? PROBES : HESSIAN, layers, roles,
                new KeyValue(k, v, total > 0 ? k / total : 0, total > 0 ? v / total : 0, bits), flags(d.health()), sources);
    }

    /** Per tensor: the probe's measured KLD when there was a calibration text, else the Hessian figure. */
    static List<TensorWeight> weights(ReleaseData d) {
        if (d.probes() != null) {
            return d.probes().tensors().stream().map((TensorProbe p) -> new TensorWeight(p.name(), p.layer(), p.role(),
                    p.probeKld())).toList();
        }
        return d.sensitivity().tensors().stream().map((TensorSensitivity t) -> new TensorWeight(t.name(), t.layer(),
                t.role(), t.sensitivity())).toList();
    }

    private static List<Group> groups(List<TensorWeight> weights, Function<TensorWeight, String> key,
                                      double total) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (TensorWeight w : weights) {
            double[] s = sums.computeIfAbsent(key.apply(w), x -> new double[2]);
            s[0]++;
            s[1] += w.value();
        }
        List<Group> groups = new ArrayList<>();
        sums.forEach((k, s) -> groups.add(new Group(k, (int) s[0], s[1], total > 0 ? s[1] / total : 0)));
        groups.sort(Comparator.comparingDouble(Group::value).reversed());
        return List.copyOf(groups);
    }

    private static double sum(List<TensorWeight> weights, String role) {
        return weights.stream().filter(w -> w.role().equals(role)).mapToDouble(TensorWeight::value).sum();
    }

    /** Mean bits per weight of a role's tensors (NaN when the model has none). */
    private static double meanBits(Map<String, GgmlType> types, String role) {
        return types.entrySet().stream().filter(e -> roleOf(e.getKey()).equals(role))
                .mapToDouble(e -> e.getValue().bitsPerWeight()).average().orElse(Double.NaN);
    }

    static String roleOf(String tensor) {
        return tensor.replaceFirst("^blk\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
    }

    private static List<Flag> flags(JsonNode health) {
        List<Flag> flags = new ArrayList<>();
        for (JsonNode t : health.get("tensors")) {
            if (t.get("flags").isEmpty()) {
                continue;
            }
            Map<String, Double> z = new LinkedHashMap<>();
            t.get("flags").forEach(f -> z.put(f.asText(), t.get("z").get(f.asText()).asDouble()));
            flags.add(new Flag(t.get("name").asText(), t.get("role").asText(), z));
        }
        return List.copyOf(flags);
    }
}
