package org.bitclass.alloc;

import org.bitclass.gguf.GgmlType;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The solver against exhaustive search on small instances, and its hull and budget invariants. */
class SolverTest {

    private static final GgmlType[] TYPES = {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    private static List<Solver.Item> randomItems(Random rnd, int n) {
        List<Solver.Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long size = 100 + rnd.nextInt(900);
            List<TypeOption> options = new ArrayList<>();
            double error = 0.1 + rnd.nextDouble();
            for (int k = 0; k < TYPES.length; k++) {
                options.add(new TypeOption(TYPES[k], size * (k + 2), error));
                error *= 0.2 + 0.5 * rnd.nextDouble();
            }
            items.add(new Solver.Item("t" + i, options, Math.exp(3 * rnd.nextGaussian())));
        }
        return items;
    }

    private static double bestByExhaustion(List<Solver.Item> items, long budget) {
        return search(items, 0, budget, 0);
    }

    private static double search(List<Solver.Item> items, int i, long left, double damage) {
        if (i == items.size()) {
            return damage;
        }
        double best = Double.POSITIVE_INFINITY;
        Solver.Item item = items.get(i);
        for (int o = 0; o < item.options().size(); o++) {
            if (item.bytes(o) <= left) {
                best = Math.min(best, search(items, i + 1, left - item.bytes(o), damage + item.damage(o)));
            }
        }
        return best;
    }

    @RepeatedTest(30)
    void staysWithinTheBudgetAndNearTheOptimum(org.junit.jupiter.api.RepetitionInfo info) {
        Random rnd = new Random(info.getCurrentRepetition());
        List<Solver.Item> items = randomItems(rnd, 6);
        Solver solver = new Solver(items);
        long max = items.stream().mapToLong(it -> it.bytes(it.options().size() - 1)).sum();
        long budget = solver.minimumBytes() + (long) (rnd.nextDouble() * (max - solver.minimumBytes()));
        int[] choice = solver.solve(budget);
        assertThat(solver.bytes(choice)).isLessThanOrEqualTo(budget);
        double optimum = bestByExhaustion(items, budget);
        assertThat(solver.damage(choice)).isLessThanOrEqualTo(optimum * 1.25 + 1e-12);
    }

    @Test
    void theHullKeepsOnlyConvexNonDominatedOptions() {
        List<TypeOption> options = List.of(
                new TypeOption(GgmlType.Q2_K, 100, 1.0),
                new TypeOption(GgmlType.Q3_K, 200, 0.9),   // above the line from 100 to 300: off the hull
                new TypeOption(GgmlType.Q4_K, 300, 0.2),
                new TypeOption(GgmlType.IQ4_XS, 300, 0.3), // same bytes, worse
                new TypeOption(GgmlType.Q5_K, 400, 0.25),  // larger and worse than Q4_K
                new TypeOption(GgmlType.Q6_K, 500, 0.05));
        int[] hull = Solver.lowerHull(new Solver.Item("t", options, 1));
        assertThat(hull).containsExactly(0, 2, 5);
    }

    @Test
    void aBudgetBelowTheSmallestOptionsIsRefused() {
        List<Solver.Item> items = randomItems(new Random(1), 3);
        Solver solver = new Solver(items);
        assertThatThrownBy(() -> solver.solve(solver.minimumBytes() - 1)).hasMessageContaining("budget");
        assertThat(solver.bytes(solver.solve(solver.minimumBytes()))).isEqualTo(solver.minimumBytes());
    }
}
