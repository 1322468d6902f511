package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.quant.FileType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One allocation at one budget, end to end: the budget resolved against the stock recipes, the solve, and the
 * closed loop that measures the result against the stock recipe it competes with on the calibration tokens and
 * falls back to that recipe if the allocation does not beat it.
 */
public final class TargetAllocation {

    /** Pair swaps the closed loop measures after solving. */
    static final int REPAIR_TRIES = 6;

    /** Stock levels a byte or BPW budget is compared with, smallest first. */
    public static final List<FileType> LEVELS = List.of(FileType.Q2_K, FileType.Q3_K_S, FileType.Q3_K_M, FileType.Q3_K_L,
            FileType.Q4_K_S, FileType.Q4_K_M, FileType.Q5_K_S, FileType.Q5_K_M, FileType.Q6_K, FileType.Q8_0);

    /**
     * The budget in file bytes and the stock recipe it competes with: the named level, or the largest level that
     * fits the budget (the smallest one when none does).
     */
    public record Target(long fileBytes, RecipePlan stock, long stockBytes) {
    }

    private TargetAllocation() {
    }

    public static Target resolve(Budget budget, Allocator allocator, RecipeOptions options) {
        return switch (budget) {
            case Budget.Level l -> {
                RecipePlan plan = stock(allocator, l.level(), options);
                long bytes = allocator.fileBytes(l.level(), plan.tensors());
                yield new Target(bytes, plan, bytes);
            }
            case Budget.Bytes b -> nearestBelow(allocator, options, b.bytes(), p -> allocator.fileBytes(p.fileType(), p.tensors()));
            case Budget.Bpw x -> {
                Target t = nearestBelow(allocator, options, x.bpw(), RecipePlan::bpw);
                RecipePlan ref = t.stock();
                long fixed = allocator.fileBytes(ref.fileType(), ref.tensors()) - ref.bytes();
                yield new Target(fixed + (long) Math.floor(x.bpw() * ref.elements() / 8), ref, t.stockBytes());
            }
        };
    }

    private static <T extends Comparable<T>> Target nearestBelow(Allocator allocator, RecipeOptions options, T limit,
                                                                 java.util.function.Function<RecipePlan, T> measure) {
        RecipePlan chosen = stock(allocator, LEVELS.getFirst(), options);
        for (FileType level : LEVELS) {
            RecipePlan plan = stock(allocator, level, options);
            if (measure.apply(plan).compareTo(limit) <= 0) {
                chosen = plan;
            }
        }
        long stockBytes = allocator.fileBytes(chosen.fileType(), chosen.tensors());
        long bytes = limit instanceof Long l ? l : stockBytes;
        return new Target(bytes, chosen, stockBytes);
    }

    private static RecipePlan stock(Allocator allocator, FileType level, RecipeOptions options) {
        return new StockRecipe(level, options).plan(allocator.model());
    }

    /**
     * Solves for {@code target}, then, when a calibration text is given, measures the allocation and the stock
     * recipe on it and keeps the stock recipe (saying so in {@link Allocation#note}) if the allocation loses.
     */
    public static Allocation run(Allocator allocator, SensitivityTable sensitivity, Target target,
                                 Map<String, GgmlType> pins, Path calibration) throws IOException {
        RecipePlan stock = target.stock();
        Allocation ours = allocator.allocate(sensitivity, target.fileBytes(), stock.fileType(), stock.tensors(), pins);
        if (calibration == null) {
            return ours;
        }
        Map<String, GgmlType> stockTypes = placedTypes(allocator, stock);
        boolean comparable = target.stockBytes() <= target.fileBytes();
        double stockMeasured = comparable ? allocator.measure(calibration, stockTypes) : Double.NaN;
        Allocation measuredOurs = allocator.repair(ours.withMeasured(allocator.measure(calibration, ours.types()),
                stock.fileType().name(), target.stockBytes(), stockMeasured), sensitivity, stock.tensors(), pins,
                calibration, REPAIR_TRIES);
        double measured = measuredOurs.measuredKld();
        if (comparable && measured >= stockMeasured && pins.isEmpty()) {
            return allocator.asAllocation(stock, target.fileBytes(), sensitivity)
                    .withMeasured(stockMeasured, stock.fileType().name(), target.stockBytes(), stockMeasured)
                    .withNote("the allocation measured " + measured + " against the stock recipe's " + stockMeasured
                            + " on the calibration tokens: the stock recipe is kept");
        }
        return measuredOurs;
    }

    private static Map<String, GgmlType> placedTypes(Allocator allocator, RecipePlan plan) {
        Map<String, GgmlType> all = plan.types();
        Map<String, GgmlType> out = new LinkedHashMap<>();
        for (TensorInfo t : allocator.placed()) {
            out.put(t.name(), all.get(t.name()));
        }
        return out;
    }

    /**
     * The final tables: per role and per layer, how many tensors got each type and the bytes they take.
     */
    public static List<String> summary(Allocation a) {
        List<String> types = a.tensors().stream().map(Allocation.Entry::type).distinct()
                .sorted(java.util.Comparator.comparingDouble(t -> GgmlType.valueOf(t).bitsPerWeight())).toList();
        List<String> lines = new ArrayList<>();
        lines.addAll(table("role", a, e -> e.name().replaceFirst("^blk\\.\\d+\\.", "").replaceFirst("\\.weight$", ""), types));
        lines.add("");
        lines.addAll(table("layer", a, e -> {
            int layer = org.bitclass.quant.QuantizableTensors.layerOf(e.name());
            return layer < 0 ? "-" : Integer.toString(layer);
        }, types));
        return lines;
    }

    private static List<String> table(String title, Allocation a, java.util.function.Function<Allocation.Entry, String> key,
                                      List<String> types) {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (Allocation.Entry e : a.tensors()) {
            counts.computeIfAbsent(key.apply(e), k -> new LinkedHashMap<>()).merge(e.type(), 1, Integer::sum);
            bytes.merge(key.apply(e), e.bytes(), Long::sum);
        }
        StringBuilder header = new StringBuilder(String.format(java.util.Locale.ROOT, "%-12s", title));
        types.forEach(t -> header.append(String.format(java.util.Locale.ROOT, " %7s", t)));
        header.append("        bytes");
        List<String> lines = new ArrayList<>(List.of(header.toString()));
        counts.forEach((k, c) -> {
            StringBuilder row = new StringBuilder(String.format(java.util.Locale.ROOT, "%-12s", k));
            types.forEach(t -> row.append(String.format(java.util.Locale.ROOT, " %7s", c.containsKey(t) ? c.get(t) : "")));
            row.append(String.format(java.util.Locale.ROOT, " %12d", bytes.get(k)));
            lines.add(row.toString());
        });
        return lines;
    }
}
