package dev.koreexporter.http;

import dev.koreexporter.metrics.BucketCounts;
import java.time.Duration;
import java.util.OptionalDouble;

/** The arithmetic of the status page: pure functions of bucket counts and durations. */
final class StatusSummary {
    private StatusSummary() {
    }

    /**
     * The {@code q} quantile of the observations in {@code buckets}, interpolated linearly inside the bucket
     * that holds it, exactly as PromQL's {@code histogram_quantile} does: the first bucket starts at 0, and a
     * quantile in the {@code +Inf} bucket is the highest finite bound. Empty when nothing was observed.
     */
    static OptionalDouble quantile(double q, BucketCounts buckets) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile " + q + " is not within 0..1");
        }
        double[] bounds = buckets.upperBounds();
        long[] counts = buckets.counts();
        long total = buckets.total();
        if (total == 0 || bounds.length < 2 || bounds[bounds.length - 1] != Double.POSITIVE_INFINITY) {
            return OptionalDouble.empty();
        }
        double rank = q * total;
        long below = 0;
        int b = 0;
        // The first bucket whose cumulative count reaches the rank (PromQL's sort.Search over all but +Inf).
        while (b < bounds.length - 1 && below + counts[b] < rank) {
            below += counts[b];
            b++;
        }
        if (b == bounds.length - 1) {
            return OptionalDouble.of(bounds[b - 1]);
        }
        if (b == 0 && bounds[0] <= 0) {
            return OptionalDouble.of(bounds[0]);
        }
        double start = b == 0 ? 0 : bounds[b - 1];
        double end = bounds[b];
        if (counts[b] == 0) {
            return OptionalDouble.of(end);
        }
        return OptionalDouble.of(start + (end - start) * ((rank - below) / counts[b]));
    }

    /** Events per minute: {@code count} over {@code elapsed}; empty when no time has passed. */
    static OptionalDouble perMinute(long count, Duration elapsed) {
        if (elapsed.isNegative() || elapsed.isZero()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(count * 60_000.0 / elapsed.toMillis());
    }
}
