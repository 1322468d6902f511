package org.bitclass.calib;

import org.bitclass.quant.Imatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines importance matrices as llama-imatrix does with several {@code --in-file}s: raw sums and counts add up
 * (so each file weighs by the tokens it saw), a legacy {@code .dat} file counts as {@code chunk size} tokens per
 * recorded chunk, the dataset lists are concatenated, and the chunk count is the largest count over the chunk size.
 * Input sums survive only for entries where every file has them.
 */
public final class ImatrixMerge {

    private ImatrixMerge() {
    }

    /**
     * @param chunkSize tokens per chunk, llama-imatrix's {@code -c} (512 by default): it converts legacy data and
     *                  is recorded in the result
     */
    public static Imatrix merge(List<Imatrix> inputs, int chunkSize) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("the chunk size must be positive, got " + chunkSize);
        }
        Map<String, Accumulator> merged = new LinkedHashMap<>();
        List<String> datasets = new ArrayList<>();
        for (Imatrix in : inputs) {
            for (String name : in.names()) {
                Imatrix.Entry e = in.entry(name).orElseThrow();
                Accumulator acc = merged.computeIfAbsent(name, n -> new Accumulator(e.sums().length));
                if (in.isLegacy()) {
                    acc.addLegacy(name, e, chunkSize);
                } else {
                    acc.add(name, e);
                }
            }
            datasets.addAll(in.datasets());
        }
        Map<String, Imatrix.Entry> entries = new LinkedHashMap<>();
        long maxCount = 0;
        for (var e : merged.entrySet()) {
            Imatrix.Entry entry = e.getValue().toEntry();
            entries.put(e.getKey(), entry);
            for (long c : entry.counts()) {
                maxCount = Math.max(maxCount, c);
            }
        }
        return Imatrix.of(entries, datasets, (int) (maxCount / chunkSize), chunkSize);
    }

    /** One entry being merged: float sums as llama-imatrix keeps them, counts per matrix. */
    private static final class Accumulator {
        private final float[] sums;
        private long[] counts;
        private float[] inputSums;
        private boolean inputSumsEverywhere = true;

        Accumulator(int n) {
            this.sums = new float[n];
        }

        void add(String name, Imatrix.Entry e) {
            float[] s = e.sums();
            long[] c = e.counts();
            checkSize(name, s.length);
            if (counts == null) {
                counts = new long[c.length];
            } else if (counts.length == 1 && c.length > 1) {
                // a single count (dense use) spreads over the experts of a later file
                long only = counts[0];
                counts = new long[c.length];
                Arrays.fill(counts, only);
            } else if (counts.length != c.length) {
                throw new IllegalArgumentException("imatrix entry '" + name + "' has " + c.length
                        + " counts in one file and " + counts.length + " in another");
            }
            for (int j = 0; j < s.length; j++) {
                sums[j] += s[j];
            }
            for (int j = 0; j < c.length; j++) {
                counts[j] += c[j];
            }
            addInputSums(e.inputSums());
        }

        /** Legacy values are {@code mean · ncall}: times the chunk size they become raw sums over ncall chunks. */
        void addLegacy(String name, Imatrix.Entry e, int chunkSize) {
            float[] s = e.sums();
            checkSize(name, s.length);
            if (counts == null) {
                counts = new long[1];
            }
            for (int j = 0; j < s.length; j++) {
                sums[j] += s[j] * chunkSize;
            }
            long ncall = e.counts()[0];
            for (int j = 0; j < counts.length; j++) {
                counts[j] += ncall * chunkSize;
            }
            addInputSums(null);
        }

        private void checkSize(String name, int n) {
            if (n != sums.length) {
                throw new IllegalArgumentException("imatrix entry '" + name + "' has " + n
                        + " values in one file and " + sums.length + " in another");
            }
        }

        private void addInputSums(float[] x) {
            if (x == null) {
                inputSumsEverywhere = false;
                return;
            }
            if (inputSums == null) {
                inputSums = new float[x.length];
            }
            for (int j = 0; j < x.length; j++) {
                inputSums[j] += x[j];
            }
        }

        Imatrix.Entry toEntry() {
            return new Imatrix.Entry(sums, counts, inputSumsEverywhere ? inputSums : null);
        }
    }
}
