package org.bitclass.eval.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tensor statistics with each tensor compared to its same-role peers in the other layers. For every statistic of a
 * role with at least {@value #MIN_PEERS} tensors: the median across them, the MAD (median absolute deviation), and
 * each tensor's robust z-score {@code 0.6745 · (x − median) / MAD} (Iglewicz and Hoaglin's modified z-score); a tensor
 * is flagged for a statistic when {@code |z| > } {@value #THRESHOLD}. The MAD is floored at 0.6745 times the
 * statistic's sampling error ({@link HealthStat}), so sampling noise between otherwise equal layers is never flagged.
 */
public final class HealthReport {

    public static final double THRESHOLD = 3.5;
    public static final int MIN_PEERS = 3;
    /** MAD of a normal distribution in standard deviations. */
    private static final double MAD_PER_SIGMA = 0.6745;

    /** A tensor with its z-scores (empty without enough peers) and the statistics it is flagged for. */
    public record Entry(TensorHealth tensor, Map<HealthStat, Double> z, List<HealthStat> flags) {
    }

    /** A role's medians and effective MADs across its layers. */
    public record Role(String role, int tensors, Map<HealthStat, Double> median, Map<HealthStat, Double> mad) {
    }

    private final List<Entry> entries;
    private final List<Role> roles;
    private final List<String> skipped;

    private HealthReport(List<Entry> entries, List<Role> roles, List<String> skipped) {
        this.entries = entries;
        this.roles = roles;
        this.skipped = skipped;
    }

    /** Compares the tensors within their roles; {@code skipped} names tensors that could not be decoded, with why. */
    public static HealthReport of(List<TensorHealth> tensors, List<String> skipped) {
        Map<String, List<TensorHealth>> byRole = new LinkedHashMap<>();
        for (TensorHealth t : tensors) {
            byRole.computeIfAbsent(t.role(), r -> new ArrayList<>()).add(t);
        }
        Map<TensorHealth, Entry> scored = new LinkedHashMap<>();
        List<Role> roles = new ArrayList<>();
        byRole.forEach((role, peers) -> {
            if (peers.size() < MIN_PEERS) {
                peers.forEach(t -> scored.put(t, new Entry(t, Map.of(), List.of())));
                return;
            }
            Role summary = summarize(role, peers);
            roles.add(summary);
            for (TensorHealth t : peers) {
                Map<HealthStat, Double> z = new EnumMap<>(HealthStat.class);
                List<HealthStat> flags = new ArrayList<>();
                for (HealthStat s : HealthStat.values()) {
                    double score = MAD_PER_SIGMA * (t.get(s) - summary.median().get(s)) / summary.mad().get(s);
                    z.put(s, score);
                    if (Math.abs(score) > THRESHOLD) {
                        flags.add(s);
                    }
                }
                scored.put(t, new Entry(t, Collections.unmodifiableMap(z), List.copyOf(flags)));
            }
        });
        List<Entry> entries = tensors.stream().map(scored::get).toList();
        return new HealthReport(entries, List.copyOf(roles), List.copyOf(skipped));
    }

    private static Role summarize(String role, List<TensorHealth> peers) {
        Map<HealthStat, Double> median = new EnumMap<>(HealthStat.class);
        Map<HealthStat, Double> mad = new EnumMap<>(HealthStat.class);
        double sigma = median(peers.stream().mapToDouble(TensorHealth::std).toArray());
        double n = median(peers.stream().mapToDouble(TensorHealth::elements).toArray());
        double p = median(peers.stream().mapToDouble(TensorHealth::beyond6Sigma).toArray());
        for (HealthStat s : HealthStat.values()) {
            double[] values = peers.stream().mapToDouble(t -> t.get(s)).toArray();
            double m = median(values);
            double rawMad = median(Arrays.stream(values).map(v -> Math.abs(v - m)).toArray());
            median.put(s, m);
            mad.put(s, Math.max(rawMad, MAD_PER_SIGMA * s.samplingError(sigma, n, p)));
        }
        return new Role(role, peers.size(), Collections.unmodifiableMap(median), Collections.unmodifiableMap(mad));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int k = v.length / 2;
        return v.length % 2 == 1 ? v[k] : (v[k - 1] + v[k]) / 2;
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<Role> roles() {
        return roles;
    }

    public List<String> skipped() {
        return skipped;
    }

    public List<Entry> flagged() {
        return entries.stream().filter(e -> !e.flags().isEmpty()).toList();
    }

    /** The table for people: one line per tensor, z-scores of flagged statistics at the end. */
    public String table() {
        StringBuilder out = new StringBuilder();
        int width = Math.max(6, entries.stream().mapToInt(e -> e.tensor().name().length()).max().orElse(0));
        String format = "%-" + width + "s  %-6s %10s %10s %8s %9s %10s %9s  %s%n";
        out.append(String.format(Locale.ROOT, format, "tensor", "type", "mean", "std", "skew", "ex.kurt", "max|w|",
                ">6σ ppm", "flags"));
        for (Entry e : entries) {
            TensorHealth t = e.tensor();
            out.append(String.format(Locale.ROOT, format, t.name(), t.type(), g(t.mean()), g(t.std()),
                    String.format(Locale.ROOT, "%.3f", t.skewness()), String.format(Locale.ROOT, "%.3f", t.excessKurtosis()),
                    g(t.maxAbs()), String.format(Locale.ROOT, "%.1f", t.beyond6Sigma() * 1e6), flagText(e)));
        }
        out.append(String.format(Locale.ROOT, "%n%d of %d tensors flagged (robust z-score beyond ±%.1f among the"
                + " same role in other layers; roles with fewer than %d layers are not compared)%n",
                flagged().size(), entries.size(), THRESHOLD, MIN_PEERS));
        for (String s : skipped) {
            out.append("skipped: ").append(s).append('\n');
        }
        return out.toString();
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String flagText(Entry e) {
        StringBuilder s = new StringBuilder();
        for (HealthStat stat : e.flags()) {
            s.append(s.isEmpty() ? "" : ", ").append(stat.key)
                    .append(String.format(Locale.ROOT, " z=%+.1f", e.z().get(stat)));
        }
        return s.toString();
    }

    /** The report as JSON; the schema is in docs/health.md. */
    public ObjectNode toJson(String model) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("model", model);
        root.put("threshold", THRESHOLD);
        root.put("min_peers", MIN_PEERS);
        root.put("flagged", flagged().size());
        ArrayNode tensors = root.putArray("tensors");
        for (Entry e : entries) {
            TensorHealth t = e.tensor();
            ObjectNode o = tensors.addObject();
            o.put("name", t.name());
            o.put("role", t.role());
            if (t.layer() >= 0) {
                o.put("layer", t.layer());
            } else {
                o.putNull("layer");
            }
            o.put("type", t.type().name());
            ArrayNode shape = o.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            o.put("elements", t.elements());
            for (HealthStat s : HealthStat.values()) {
                o.put(s.key, t.get(s));
            }
            if (e.z().isEmpty()) {
                o.putNull("z");
            } else {
                ObjectNode z = o.putObject("z");
                e.z().forEach((s, v) -> z.put(s.key, v));
            }
            ArrayNode flags = o.putArray("flags");
            e.flags().forEach(s -> flags.add(s.key));
        }
        ArrayNode roleNodes = root.putArray("roles");
        for (Role r : roles) {
            ObjectNode o = roleNodes.addObject();
            o.put("role", r.role());
            o.put("tensors", r.tensors());
            ObjectNode median = o.putObject("median");
            r.median().forEach((s, v) -> median.put(s.key, v));
            ObjectNode mad = o.putObject("mad");
            r.mad().forEach((s, v) -> mad.put(s.key, v));
        }
        ArrayNode skippedNode = root.putArray("skipped");
        skipped.forEach(skippedNode::add);
        return root;
    }
}
