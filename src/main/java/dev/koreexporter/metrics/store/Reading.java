package dev.koreexporter.metrics.store;

/**
 * The numbers of one series as a scrape copies them (under the owner's lock, so a histogram's buckets, count
 * and sum agree), to be formatted after the lock is released. One per render, reused for every series.
 */
final class Reading {
    /** What the format writes besides classic buckets: only those are copied. */
    private final boolean withExemplars;
    private final boolean withNative;
    /** Exemplars older than this (epoch millis) are no longer shown. */
    private final long exemplarsSince;
    double value;
    long[] buckets = new long[0];
    double sum;
    long count;
    long[] exemplars;
    boolean hasExemplars;
    final NativeHistogram nativeBuckets = new NativeHistogram();
    boolean hasNative;

    Reading(boolean withExemplars, boolean withNative, long exemplarsSince) {
        this.withExemplars = withExemplars;
        this.withNative = withNative;
        this.exemplarsSince = exemplarsSince;
    }

    void copy(HistogramState s) {
        if (buckets.length != s.buckets.length) {
            buckets = new long[s.buckets.length];
        }
        System.arraycopy(s.buckets, 0, buckets, 0, buckets.length);
        sum = s.sum;
        count = s.count;
        hasExemplars = withExemplars && s.exemplars != null;
        if (hasExemplars) {
            if (exemplars == null || exemplars.length != s.exemplars.length) {
                exemplars = new long[s.exemplars.length];
            }
            System.arraycopy(s.exemplars, 0, exemplars, 0, exemplars.length);
        }
        hasNative = withNative && s.nativeBuckets != null;
        if (hasNative) {
            nativeBuckets.copyFrom(s.nativeBuckets);
        }
    }

    long exemplarsSince() {
        return exemplarsSince;
    }

    boolean hasExemplar(int bucket) {
        int at = bucket * HistogramState.EXEMPLAR_LONGS;
        return hasExemplars && (exemplars[at] | exemplars[at + 1]) != 0
                && exemplars[at + 4] >= exemplarsSince;
    }
}
