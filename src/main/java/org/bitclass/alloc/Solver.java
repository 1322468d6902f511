package org.bitclass.alloc;

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
            long left = budget - bytes(choice);
            double bestSaved = 1e-15 * Math.max(1e-300, damage(choice));
            int[] best = null;
            List<int[]> moves = singleMoves(choice);
            for (int[] a : moves) {
                for (int[] b : moves) {
                    if (a[0] >= b[0] || (long) a[2] + b[2] > left) {
                        continue;
                    }
                    double saved = savedBy(a, choice) + savedBy(b, choice);
                    if (saved > bestSaved) {
                        bestSaved = saved;
                        best = new int[] {a[0], a[1], b[0], b[1]};
                    }
                }
            }
            if (best == null) {
                return;
            }
            choice[best[0]] = best[1];
            choice[best[2]] = best[3];
        }
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

    private double savedBy(int[] move, int[] choice) {
        Item item = items.get(move[0]);
        return item.damage(choice[move[0]]) - item.damage(move[1]);
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
