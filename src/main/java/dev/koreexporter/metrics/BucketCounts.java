package dev.koreexporter.metrics;

import java.util.Arrays;

/**
 * A classic histogram's buckets: finite and {@code +Inf} upper bounds, ascending, with the count of each
 * bucket alone (not cumulative): one bot's histogram as the status page reads it.
 */
public record BucketCounts(double[] upperBounds, long[] counts) {
    public static final BucketCounts EMPTY = new BucketCounts(new double[0], new long[0]);

    public BucketCounts {
        if (upperBounds.length != counts.length) {
            throw new IllegalArgumentException(upperBounds.length + " bounds but " + counts.length + " counts");
        }
        upperBounds = upperBounds.clone();
        counts = counts.clone();
    }

    public long total() {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }

    public boolean isEmpty() {
        return upperBounds.length == 0;
    }

    /** The sum of two series of one histogram (other channels or languages); mismatched bounds are left out. */
    public BucketCounts plus(BucketCounts other) {
        if (isEmpty()) {
            return other;
        }
        if (other.isEmpty() || !Arrays.equals(upperBounds, other.upperBounds)) {
            return this;
        }
        long[] sum = counts.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.counts[i];
        }
        return new BucketCounts(upperBounds, sum);
    }

    /**
     * What was observed since {@code earlier}. A count that went down means the histogram restarted (like a
     * counter reset in PromQL's {@code increase}): then everything now held is new.
     */
    public BucketCounts since(BucketCounts earlier) {
        if (earlier.isEmpty() || !Arrays.equals(upperBounds, earlier.upperBounds)) {
            return this;
        }
        long[] delta = new long[counts.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = counts[i] - earlier.counts[i];
            if (delta[i] < 0) {
                return this;
            }
        }
        return new BucketCounts(upperBounds, delta);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketCounts b && Arrays.equals(upperBounds, b.upperBounds) && Arrays.equals(counts, b.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(upperBounds) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "BucketCounts" + Arrays.toString(upperBounds) + "=" + Arrays.toString(counts);
    }
}
