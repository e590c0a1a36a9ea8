package dev.koreexporter.metrics.store;

import java.time.Duration;
import java.util.Arrays;

/**
 * The numbers of one histogram series, in primitives: the classic bucket counts (each bucket alone, the last
 * one {@code +Inf}), sum and count, the native buckets of a latency histogram, and the latest exemplar of each
 * classic bucket (trace id, span id, value and time in five longs). Not thread-safe: its series' owner guards
 * it.
 */
final class HistogramState {
    /** Longs per exemplar: trace id (two), span id, value bits, epoch millis. */
    static final int EXEMPLAR_LONGS = 5;
    /**
     * How long an exemplar is shown after it was observed: client_java's default (70 s), as 0.3.0 showed them.
     * Scrapes then carry the exemplars of the last poll or two, not one for every bucket ever observed.
     */
    static final Duration EXEMPLAR_RETENTION = Duration.ofSeconds(70);

    final long[] buckets;
    double sum;
    long count;
    /** Null for a classic-only histogram. */
    final NativeHistogram nativeBuckets;
    /** Null until the first exemplar; a bucket without one has a zero trace id. */
    long[] exemplars;

    HistogramState(int buckets, boolean nativeToo) {
        this.buckets = new long[buckets];
        this.nativeBuckets = nativeToo ? new NativeHistogram() : null;
    }

    /**
     * Counts {@code value} in the first bucket whose bound is at least the value (the last bound is {@code +Inf},
     * so every value but NaN has one); a non-zero {@code traceHi | traceLo} is an exemplar for that bucket.
     */
    void observe(double[] bounds, double value, long traceHi, long traceLo, long spanId, long millis) {
        int b = 0;
        while (value > bounds[b]) {
            b++;
        }
        buckets[b]++;
        sum += value;
        count++;
        if (nativeBuckets != null) {
            nativeBuckets.observe(value);
        }
        exemplar(b, value, traceHi, traceLo, spanId, millis);
    }

    /** The exemplar of {@code value}, observed before: its bucket's exemplar, nothing counted. */
    void exemplar(double[] bounds, double value, long traceHi, long traceLo, long spanId, long millis) {
        int b = 0;
        while (value > bounds[b]) {
            b++;
        }
        exemplar(b, value, traceHi, traceLo, spanId, millis);
    }

    private void exemplar(int b, double value, long traceHi, long traceLo, long spanId, long millis) {
        if ((traceHi | traceLo) != 0) {
            if (exemplars == null) {
                exemplars = new long[buckets.length * EXEMPLAR_LONGS];
            }
            int at = b * EXEMPLAR_LONGS;
            exemplars[at] = traceHi;
            exemplars[at + 1] = traceLo;
            exemplars[at + 2] = spanId;
            exemplars[at + 3] = Double.doubleToRawLongBits(value);
            exemplars[at + 4] = millis;
        }
    }

    void copyFrom(HistogramState other) {
        System.arraycopy(other.buckets, 0, buckets, 0, buckets.length);
        sum = other.sum;
        count = other.count;
        if (nativeBuckets != null) {
            nativeBuckets.copyFrom(other.nativeBuckets);
        }
        if (other.exemplars == null) {
            exemplars = null;
        } else if (exemplars == null) {
            exemplars = other.exemplars.clone();
        } else {
            System.arraycopy(other.exemplars, 0, exemplars, 0, exemplars.length);
        }
    }

    /** Adds another series' counts (same bounds): restoring into an overflow series. */
    void merge(HistogramState other) {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += other.buckets[i];
        }
        sum += other.sum;
        count += other.count;
        if (nativeBuckets != null && other.nativeBuckets != null) {
            nativeBuckets.merge(other.nativeBuckets);
        }
    }

    /** Whether every exemplar held was observed before {@code since} (epoch millis), so none is shown any more. */
    boolean exemplarsBefore(long since) {
        for (int at = 4; at < exemplars.length; at += EXEMPLAR_LONGS) {
            if (exemplars[at] >= since && (exemplars[at - 4] | exemplars[at - 3]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "HistogramState" + Arrays.toString(buckets) + " sum=" + sum + " count=" + count;
    }
}
