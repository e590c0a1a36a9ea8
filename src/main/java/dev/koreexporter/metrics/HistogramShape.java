package dev.koreexporter.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Which representations a kore_* histogram keeps (README "Metrics", native histograms). Both shapes keep
 * the classic buckets, so the text and OpenMetrics answers, which only carry classic buckets, are the same
 * for either shape; the protobuf answer carries the native (exponential) buckets as well.
 */
public enum HistogramShape {
    /** Classic buckets only: for distributions nobody asks quantiles of at arbitrary levels. */
    CLASSIC,
    /**
     * Classic buckets plus a native histogram: the latency histograms, where "p99" should not be an
     * interpolation between bounds chosen in advance.
     */
    CLASSIC_AND_NATIVE;

    /**
     * Schema 5 (2^(2^-5): about 2.2 % wide buckets, the finest Prometheus accepts) to start with. Latencies of
     * 10 ms to 10 s span 10 doublings, more than {@link #NATIVE_MAX_BUCKETS} at schema 5: client_java then halves
     * the resolution of that series (never resets it), so a series stays within the limit and keeps its count.
     */
    static final int NATIVE_INITIAL_SCHEMA = 5;
    /** client_java's and client_golang's recommended default; per series, only buckets that saw a value exist. */
    static final int NATIVE_MAX_BUCKETS = 160;

    /** Builds and registers a histogram of this shape; the classic bounds are the same for both shapes. */
    public Histogram register(PrometheusRegistry registry, String name, String help, double[] classicUpperBounds,
                              String... labelNames) {
        Histogram.Builder builder = Histogram.builder().name(name).help(help).labelNames(labelNames)
                .classicUpperBounds(classicUpperBounds);
        builder = switch (this) {
            case CLASSIC -> builder.classicOnly();
            // Neither classicOnly() nor nativeOnly(): client_java then keeps both representations.
            case CLASSIC_AND_NATIVE -> builder.nativeInitialSchema(NATIVE_INITIAL_SCHEMA)
                    .nativeMaxNumberOfBuckets(NATIVE_MAX_BUCKETS);
        };
        return builder.register(registry);
    }
}
