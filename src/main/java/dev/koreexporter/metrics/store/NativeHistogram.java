package dev.koreexporter.metrics.store;

import java.util.Arrays;

/**
 * The native (exponential) buckets of one latency series, kept sparse: sorted bucket indexes and their counts
 * in two primitive arrays, about 12 bytes per populated bucket (client_java keeps a map entry, a boxed index
 * and a {@code LongAdder} per bucket). Same buckets as client_java's native histograms (README "Native
 * histograms"): schema 5 (about 2.2 % wide) to start with, and when more than {@link #MAX_BUCKETS} buckets are
 * populated, neighbouring pairs merge into one (the schema drops by one; the count is kept). Values up to
 * {@link #ZERO_THRESHOLD} count in the zero bucket. Not thread-safe: its series' owner guards it.
 */
final class NativeHistogram {
    static final int INITIAL_SCHEMA = 5;
    /** client_java's and client_golang's recommended default; per series, only buckets that saw a value exist. */
    static final int MAX_BUCKETS = 160;
    static final double ZERO_THRESHOLD = Math.pow(2.0, -128);
    private static final int MIN_SCHEMA = -4;
    private static final int[] NONE = new int[0];
    private static final long[] NO_COUNTS = new long[0];
    /** Bucket bounds of the fraction in [0.5, 1) per positive schema, as client_golang computes them. */
    private static final double[][] BOUNDS = new double[8][];

    static {
        for (int schema = 1; schema <= 8; schema++) {
            double[] b = new double[1 << schema];
            b[0] = 0.5;
            double base = Math.pow(2, Math.pow(2, -schema));
            for (int i = 1; i < b.length; i++) {
                // Every second bound is one of the coarser schema's, for precision (as client_golang does).
                b[i] = i % 2 == 0 && schema > 1 ? BOUNDS[schema - 2][i / 2] : b[i - 1] * base;
            }
            BOUNDS[schema - 1] = b;
        }
    }

    int schema = INITIAL_SCHEMA;
    long zeroCount;
    final Buckets positive = new Buckets();
    /** Latencies are never negative; only allocated should one be. */
    Buckets negative;

    /** One side's populated buckets, ascending by index. */
    static final class Buckets {
        int[] indexes = NONE;
        long[] counts = NO_COUNTS;
        int size;

        /** Adds {@code n} to the bucket; true when the bucket is new. */
        boolean add(int index, long n) {
            int at = Arrays.binarySearch(indexes, 0, size, index);
            if (at >= 0) {
                counts[at] += n;
                return false;
            }
            at = -at - 1;
            if (size == indexes.length) {
                int capacity = Math.max(4, size + (size >> 1));
                indexes = Arrays.copyOf(indexes, capacity);
                counts = Arrays.copyOf(counts, capacity);
            }
            System.arraycopy(indexes, at, indexes, at + 1, size - at);
            System.arraycopy(counts, at, counts, at + 1, size - at);
            indexes[at] = index;
            counts[at] = n;
            size++;
            return true;
        }

        /** Halves the resolution: bucket i of schema s lies in bucket ceil(i / 2) of schema s - 1. */
        void halve() {
            int out = -1;
            for (int i = 0; i < size; i++) {
                int merged = Math.floorDiv(indexes[i] + 1, 2);
                if (out >= 0 && indexes[out] == merged) {
                    counts[out] += counts[i];
                } else {
                    out++;
                    indexes[out] = merged;
                    counts[out] = counts[i];
                }
            }
            size = out + 1;
        }

        void copyFrom(Buckets other) {
            if (indexes.length < other.size) {
                indexes = new int[other.size];
                counts = new long[other.size];
            }
            System.arraycopy(other.indexes, 0, indexes, 0, other.size);
            System.arraycopy(other.counts, 0, counts, 0, other.size);
            size = other.size;
        }

        long total() {
            long sum = 0;
            for (int i = 0; i < size; i++) {
                sum += counts[i];
            }
            return sum;
        }
    }

    void observe(double value) {
        if (value > ZERO_THRESHOLD) {
            if (positive.add(index(value), 1)) {
                limit();
            }
        } else if (value < -ZERO_THRESHOLD) {
            if (negative == null) {
                negative = new Buckets();
            }
            if (negative.add(index(-value), 1)) {
                limit();
            }
        } else {
            zeroCount++;
        }
    }

    void copyFrom(NativeHistogram other) {
        schema = other.schema;
        zeroCount = other.zeroCount;
        positive.copyFrom(other.positive);
        if (other.negative != null) {
            if (negative == null) {
                negative = new Buckets();
            }
            negative.copyFrom(other.negative);
        } else if (negative != null) {
            negative.size = 0;
        }
    }

    /** Adds {@code other}'s counts (at the coarser of the two schemas): restoring into an overflow series. */
    void merge(NativeHistogram other) {
        NativeHistogram add = new NativeHistogram();
        add.copyFrom(other);
        while (add.schema > schema) {
            add.halveAll();
        }
        while (schema > add.schema) {
            halveAll();
        }
        zeroCount += add.zeroCount;
        for (int i = 0; i < add.positive.size; i++) {
            positive.add(add.positive.indexes[i], add.positive.counts[i]);
        }
        if (add.negative != null) {
            for (int i = 0; i < add.negative.size; i++) {
                if (negative == null) {
                    negative = new Buckets();
                }
                negative.add(add.negative.indexes[i], add.negative.counts[i]);
            }
        }
        limit();
    }

    int populated() {
        return positive.size + (negative == null ? 0 : negative.size);
    }

    /** Observations held, zero bucket included. */
    long count() {
        return zeroCount + positive.total() + (negative == null ? 0 : negative.total());
    }

    private void limit() {
        while (populated() > MAX_BUCKETS && schema > MIN_SCHEMA) {
            halveAll();
        }
    }

    private void halveAll() {
        positive.halve();
        if (negative != null) {
            negative.halve();
        }
        schema--;
    }

    /** The index of the bucket (base^(i-1), base^i] holding {@code value} (> 0) at the current schema. */
    int index(double value) {
        if (Double.isInfinite(value)) {
            return index(Double.MAX_VALUE) + 1;
        }
        // value = frac * 2^exp with frac in [0.5, 1), as C's frexp; exact for the normal values seen here.
        int exp = Math.getExponent(value) + 1;
        double frac = Math.scalb(value, -exp);
        if (schema >= 1) {
            double[] bounds = BOUNDS[schema - 1];
            return search(bounds, frac) + (exp - 1) * bounds.length;
        }
        int index = frac == 0.5 ? exp - 1 : exp;
        int offset = (1 << -schema) - 1;
        return (index + offset) >> -schema;
    }

    /** The first position whose bound is at least {@code frac} (Go's sort.SearchFloat64s). */
    private static int search(double[] bounds, double frac) {
        int first = 0;
        int last = bounds.length - 1;
        while (first <= last) {
            int mid = (first + last) >>> 1;
            if (bounds[mid] == frac) {
                return mid;
            } else if (bounds[mid] < frac) {
                first = mid + 1;
            } else {
                last = mid - 1;
            }
        }
        return last + 1;
    }
}
