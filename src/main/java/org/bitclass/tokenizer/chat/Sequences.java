package org.bitclass.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;

/** Python index and slice arithmetic shared by strings, lists and tuples. */
final class Sequences {

    private Sequences() {
    }

    /** The positions {@code [start:stop:step]} selects in a sequence of {@code length}; null parts take defaults. */
    static List<Integer> sliceIndexes(int length, Long start, Long stop, Long step) {
        long by = step == null ? 1 : step;
        if (by == 0) {
            throw new TemplateException("slice step cannot be zero");
        }
        long from = start == null ? (by > 0 ? 0 : length - 1) : adjust(start, length, by);
        long to = stop == null ? (by > 0 ? length : -1) : adjust(stop, length, by);
        List<Integer> out = new ArrayList<>();
        for (long i = from; by > 0 ? i < to : i > to; i += by) {
            out.add((int) i);
        }
        return out;
    }

    private static long adjust(long index, int length, long step) {
        if (index < 0) {
            index += length;
            if (index < 0) {
                return step < 0 ? -1 : 0;
            }
        } else if (index >= length) {
            return step < 0 ? length - 1 : length;
        }
        return index;
    }

    /**
     * The {@code [start, end)} range that {@code find}, {@code count}, {@code startswith}... search: negatives count
     * from the end, then both are clamped at 0 and end at {@code length} (start may stay past the end).
     */
    static int[] clampRange(int length, Long start, Long end) {
        long from = start == null ? 0 : start < 0 ? Math.max(0, start + length) : start;
        long to = end == null ? length : end < 0 ? Math.max(0, end + length) : Math.min(end, length);
        return new int[] {(int) Math.min(from, Integer.MAX_VALUE), (int) to};
    }

    static List<Object> slice(List<?> items, Long start, Long stop, Long step) {
        List<Object> out = new ArrayList<>();
        for (int i : sliceIndexes(items.size(), start, stop, step)) {
            out.add(items.get(i));
        }
        return out;
    }

    /** The position {@code index} names (negative from the end), or -1 when out of range. */
    static int position(long index, int length) {
        long at = index < 0 ? index + length : index;
        return at >= 0 && at < length ? (int) at : -1;
    }
}
