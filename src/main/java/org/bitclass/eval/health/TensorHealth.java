package org.bitclass.eval.health;

import org.bitclass.gguf.GgmlType;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value statistics of one tensor, from its dequantized values. Moments are population moments (divided by n);
 * skewness and excess kurtosis are 0 for a constant tensor.
 *
 * @param role          the name without {@code blk.N.} and {@code .weight}: what the tensor is in every layer
 * @param layer         N of {@code blk.N.}, or -1 for tensors outside the blocks
 * @param beyond6Sigma  fraction of values with |w − mean| &gt; 6·std
 */
public record TensorHealth(String name, String role, int layer, GgmlType type, long[] shape, long elements,
                           double mean, double std, double skewness, double excessKurtosis, double maxAbs,
                           double beyond6Sigma) {

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.(.+)");

    public TensorHealth {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The role of a tensor name: {@code blk.7.attn_q.weight} → {@code attn_q}, {@code blk.0.attn_q.bias} → {@code attn_q.bias}. */
    public static String roleOf(String name) {
        Matcher m = BLOCK.matcher(name);
        String role = m.matches() ? m.group(2) : name;
        return role.endsWith(".weight") ? role.substring(0, role.length() - ".weight".length()) : role;
    }

    /** The layer of a tensor name, or -1. */
    public static int layerOf(String name) {
        Matcher m = BLOCK.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The value of one statistic. */
    public double get(HealthStat stat) {
        return switch (stat) {
            case MEAN -> mean;
            case STD -> std;
            case SKEWNESS -> skewness;
            case EXCESS_KURTOSIS -> excessKurtosis;
            case MAX_ABS -> maxAbs;
            case BEYOND_6_SIGMA -> beyond6Sigma;
        };
    }
}
