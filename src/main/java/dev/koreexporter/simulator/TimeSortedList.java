package dev.koreexporter.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Records kept sorted by a time key, for binary-searched windows. Batches arrive in time slices; a batch's
 * keys are all at or after its slice start, so only the tail from there on has to be merged.
 */
final class TimeSortedList<T> {
    private final ArrayList<T> items = new ArrayList<>();
    private final ToLongFunction<T> key;

    TimeSortedList(ToLongFunction<T> key) {
        this.key = key;
    }

    int size() {
        return items.size();
    }

    T get(int i) {
        return items.get(i);
    }

    long keyAt(int i) {
        return key.applyAsLong(items.get(i));
    }

    /** Adds records whose keys are all >= {@code minKey}; ties keep older records first (stable). */
    void addBatch(List<T> batch, long minKey) {
        if (batch.isEmpty()) {
            return;
        }
        List<T> sorted = new ArrayList<>(batch);
        sorted.sort(Comparator.comparingLong(key));
        int from = lowerBound(minKey);
        if (from == items.size()) {
            items.addAll(sorted);
            return;
        }
        List<T> tail = new ArrayList<>(items.subList(from, items.size()));
        items.subList(from, items.size()).clear();
        items.ensureCapacity(from + tail.size() + sorted.size());
        int i = 0;
        int j = 0;
        while (i < tail.size() || j < sorted.size()) {
            if (j == sorted.size() || (i < tail.size() && key.applyAsLong(tail.get(i)) <= key.applyAsLong(sorted.get(j)))) {
                items.add(tail.get(i++));
            } else {
                items.add(sorted.get(j++));
            }
        }
    }

    /** First index whose key is >= k. */
    int lowerBound(long k) {
        int lo = 0;
        int hi = items.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(mid) < k) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First index whose key is > k. */
    int upperBound(long k) {
        return k == Long.MAX_VALUE ? items.size() : lowerBound(k + 1);
    }

    /** Removes matching records with key >= fromKey (used when traffic is paused). */
    void removeFrom(long fromKey, Predicate<T> drop) {
        int from = lowerBound(fromKey);
        items.subList(from, items.size()).removeIf(drop);
    }
}
