package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses one option per tensor to minimise the predicted damage {@code Σ_t s_t·e_t(q_t)} with the bytes
 * {@code Σ_t b_t(q_t)} within a budget: a Lagrangian bisection over each tensor's lower convex hull of
 * (bytes, damage), then a greedy fill of the bytes the bisection leaves, then an exchange repair that upgrades one
 * tensor and downgrades another while that lowers the damage and keeps the budget. Ties go to the earlier tensor
 * and the smaller option, so the result depends on the inputs only.
 */
final class Solver {

    /**
     * A tensor to place: its options sorted by bytes and how much each unit of relative error costs the model.
     * A pinned tensor has exactly one option.
     */
    record Item(String name, List<TypeOption> options, double slope) {

        double damage(int option) {
            return slope * options.get(option).error();
        }

        long bytes(int option) {
            return options.get(option).bytes();
        }
    }

    private final List<Item> items;
    private final int[][] hulls;

    Solver(List<Item> items) {
        this.items = items;
        this.hulls = items.stream().map(Solver::lowerHull).toArray(int[][]::new);
    }

    Item item(int i) {
        return items.get(i);
    }

    /** The index of {@code type} among item {@code i}'s options. */
    int optionOf(int i, GgmlType type) {
        List<TypeOption> options = items.get(i).options();
        for (int o = 0; o < options.size(); o++) {
            if (options.get(o).type() == type) {
                return o;
            }
        }
        throw new IllegalArgumentException(items.get(i).name() + " cannot take " + type + " here");
    }

    /** The smallest total the items can take. */
    long minimumBytes() {
        long sum = 0;
        for (Item item : items) {
            sum += item.options().stream().mapToLong(TypeOption::bytes).min().orElseThrow();
        }
        return sum;
    }

    /** The chosen option index of every item; the caller checks {@link #minimumBytes} against the budget first. */
    int[] solve(long budget) {
        if (minimumBytes() > budget) {
            throw new IllegalArgumentException("the budget is below the smallest possible size");
        }
        int[] choice = lagrangian(budget);
        greedyFill(choice, budget);
        exchange(choice, budget);
        return choice;
    }

    long bytes(int[] choice) {
        long sum = 0;
        for (int i = 0; i < items.size(); i++) {
            sum += items.get(i).bytes(choice[i]);
        }
        return sum;
    }

    double damage(int[] choice) {
        double sum = 0;
        for (int i = 0; i < items.size(); i++) {
            sum += items.get(i).damage(choice[i]);
        }
        return sum;
    }

    /** The hull choice for the smallest price of a byte at which everything fits. */
    private int[] lagrangian(long budget) {
        double lo = 0;
        double hi = 1;
        while (bytes(atPrice(hi)) > budget) {
            hi *= 2;
        }
        if (bytes(atPrice(lo)) <= budget) {
            return atPrice(lo);
        }
        for (int iter = 0; iter < 200 && hi - lo > 1e-300; iter++) {
            double mid = (lo + hi) / 2;
            if (mid == lo || mid == hi) {
                break;
            }
            if (bytes(atPrice(mid)) <= budget) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return atPrice(hi);
    }

    /** Per item, the hull option minimising {@code damage + price·bytes} (the larger option on a tie). */
    private int[] atPrice(double price) {
        int[] choice = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            int best = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int o : hulls[i]) {
                double cost = item.damage(o) + price * item.bytes(o);
                if (cost <= bestCost) {
                    bestCost = cost;
                    best = o;
                }
            }
            choice[i] = best;
        }
        return choice;
    }

    /** Spends the bytes left on the single moves with the best damage saved per byte, while any fits. */
    private void greedyFill(int[] choice, long budget) {
        long left = budget - bytes(choice);
        while (true) {
            int bestItem = -1;
            int bestOption = -1;
            double bestRate = 0;
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                for (int o = 0; o < item.options().size(); o++) {
                    long extra = item.bytes(o) - item.bytes(choice[i]);
                    double saved = item.damage(choice[i]) - item.damage(o);
                    if (saved <= 0 || extra > left) {
                        continue;
                    }
                    double rate = extra <= 0 ? Double.POSITIVE_INFINITY : saved / extra;
                    if (rate > bestRate) {
                        bestRate = rate;
                        bestItem = i;
                        bestOption = o;
                    }
                }
            }
            if (bestItem < 0) {
                return;
            }
            left -= items.get(bestItem).bytes(bestOption) - items.get(bestItem).bytes(choice[bestItem]);
            choice[bestItem] = bestOption;
        }
    }

    /** Applies the best pair move (one tensor changes, another pays or gets the difference) while one saves damage. */
    private void exchange(int[] choice, long budget) {
        for (int round = 0; round < 10_000; round++) {
            List<int[]> best = pairMoves(choice, budget, 1);
            if (best.isEmpty() || predictedSaving(best.getFirst(), choice) <= 1e-15 * Math.max(1e-300, damage(choice))) {
                return;
            }
            apply(best.getFirst(), choice);
        }
    }

    /**
     * The {@code n} pair moves within the budget that the model predicts best (most damage saved, or least added),
     * each {@code {item, option, item, option}}: the candidates a measured repair tries.
     */
    List<int[]> pairMoves(int[] choice, long budget, int n) {
        long left = budget - bytes(choice);
        List<int[]> moves = singleMoves(choice);
        java.util.PriorityQueue<int[]> kept = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingDouble((int[] m) -> predictedSaving(m, choice)));
        for (int[] a : moves) {
            for (int[] b : moves) {
                if (a[0] >= b[0] || (long) a[2] + b[2] > left) {
                    continue;
                }
                int[] move = {a[0], a[1], b[0], b[1]};
                if (kept.size() < n) {
                    kept.add(move);
                } else if (predictedSaving(move, choice) > predictedSaving(kept.peek(), choice)) {
                    kept.poll();
                    kept.add(move);
                }
            }
        }
        List<int[]> out = new ArrayList<>(kept);
        out.sort(java.util.Comparator.comparingDouble((int[] m) -> -predictedSaving(m, choice)));
        return out;
    }

    double predictedSaving(int[] move, int[] choice) {
        return items.get(move[0]).damage(choice[move[0]]) - items.get(move[0]).damage(move[1])
                + items.get(move[2]).damage(choice[move[2]]) - items.get(move[2]).damage(move[3]);
    }

    static void apply(int[] move, int[] choice) {
        choice[move[0]] = move[1];
        choice[move[2]] = move[3];
    }

    /** Every change of one item's option: {item, option, extra bytes}. */
    private List<int[]> singleMoves(int[] choice) {
        List<int[]> moves = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            for (int o = 0; o < item.options().size(); o++) {
                if (o != choice[i]) {
                    moves.add(new int[] {i, o, Math.toIntExact(item.bytes(o) - item.bytes(choice[i]))});
                }
            }
        }
        return moves;
    }

    /**
     * The options on the lower convex hull of (bytes, damage), by growing bytes: no other option, nor any mix of
     * two, is both smaller and less damaging.
     */
    static int[] lowerHull(Item item) {
        int n = item.options().size();
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> item.bytes(a) != item.bytes(b) ? Long.compare(item.bytes(a), item.bytes(b))
                : Double.compare(item.damage(a), item.damage(b)));
        List<Integer> hull = new ArrayList<>();
        for (int o : order) {
            if (!hull.isEmpty() && item.damage(o) >= item.damage(hull.getLast())) {
                continue;  // larger and no better
            }
            while (hull.size() >= 2 && !turnsLeft(item, hull.get(hull.size() - 2), hull.getLast(), o)) {
                hull.removeLast();
            }
            hull.add(o);
        }
        return hull.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether b lies strictly below the segment from a to c (so it stays on the lower hull). */
    private static boolean turnsLeft(Item item, int a, int b, int c) {
        double x1 = item.bytes(b) - item.bytes(a);
        double y1 = item.damage(b) - item.damage(a);
        double x2 = item.bytes(c) - item.bytes(a);
        double y2 = item.damage(c) - item.damage(a);
        return x1 * y2 - y1 * x2 > 0;
    }
}
