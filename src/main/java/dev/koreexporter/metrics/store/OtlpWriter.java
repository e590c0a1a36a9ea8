package dev.koreexporter.metrics.store;

import dev.koreexporter.metrics.catalogue.KoreMeter;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The store's series as OpenTelemetry metric data, for the OTLP push (README "OTLP metrics"): what a scrape shows
 * at this moment (a bot's counters and histograms as last published), cumulative, with the same attributes as the
 * Prometheus labels. Counters are monotonic sums, gauges gauges; the latency histograms are exponential histograms
 * built from their native buckets (OpenTelemetry's scale is Prometheus' schema; its bucket {@code i} is
 * Prometheus' {@code i + 1}), with the turns' exemplars, and the other histograms explicit-bucket histograms with
 * the classic bounds.
 */
final class OtlpWriter {
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final long startNanos;
    private final long nowNanos;
    private final boolean exponential;
    private final Reading r;

    /**
     * @param startNanos  the start of every cumulative point (when the push began)
     * @param exponential the latency histograms as exponential histograms; false: with their classic buckets
     */
    OtlpWriter(Resource resource, InstrumentationScopeInfo scope, long startNanos, long nowNanos, boolean exponential,
               long exemplarsSince) {
        this.resource = resource;
        this.scope = scope;
        this.startNanos = startNanos;
        this.nowNanos = nowNanos;
        this.exponential = exponential;
        this.r = new Reading(true, exponential, exemplarsSince);
    }

    /** One metric of a family with at least one series to show; null when it has none. */
    MetricData family(Family f) {
        KoreMeter m = f.meter;
        boolean asExponential = exponential && f.nativeBuckets;
        List<Object> points = new ArrayList<>();
        for (Series s : f.sorted()) {
            if (s.snapshot(r)) {
                Attributes attributes = attributes(f, s);
                points.add(switch (m.type()) {
                    case COUNTER, GAUGE -> DoublePointData.create(startNanos, nowNanos, attributes, r.value, List.of());
                    case HISTOGRAM -> asExponential ? exponential(attributes) : explicit(f, attributes);
                });
            }
        }
        if (points.isEmpty()) {
            return null;
        }
        return switch (m.type()) {
            case COUNTER -> metric(m, MetricDataType.DOUBLE_SUM,
                    SumData.createDoubleSumData(true, AggregationTemporality.CUMULATIVE, cast(points)));
            case GAUGE -> metric(m, MetricDataType.DOUBLE_GAUGE, GaugeData.createDoubleGaugeData(cast(points)));
            case HISTOGRAM -> asExponential
                    ? metric(m, MetricDataType.EXPONENTIAL_HISTOGRAM,
                    ExponentialHistogramData.create(AggregationTemporality.CUMULATIVE, cast(points)))
                    : metric(m, MetricDataType.HISTOGRAM,
                    HistogramData.create(AggregationTemporality.CUMULATIVE, cast(points)));
        };
    }

    private MetricData metric(KoreMeter m, MetricDataType type, Data<?> data) {
        return new OtlpMetric(resource, scope, m.otelName(), m.help(), m.otelUnit(), type, data);
    }

    private static Attributes attributes(Family f, Series s) {
        AttributesBuilder b = Attributes.builder();
        for (int i = 0; i < f.sortedLabels.length; i++) {
            b.put(f.sortedLabels[i], s.labels[i]);
        }
        return b.build();
    }

    private ExponentialHistogramPointData exponential(Attributes attributes) {
        NativeHistogram n = r.nativeBuckets;
        return ExponentialHistogramPointData.create(n.schema, r.sum, n.zeroCount, false, 0, false, 0,
                buckets(n.schema, n.positive), buckets(n.schema, n.negative), startNanos, nowNanos, attributes,
                exemplars());
    }

    /** Dense from the lowest populated bucket to the highest; Prometheus' bucket i is OpenTelemetry's i - 1. */
    private static ExponentialHistogramBuckets buckets(int scale, NativeHistogram.Buckets b) {
        if (b == null || b.size == 0) {
            return ExponentialHistogramBuckets.create(scale, 0, List.of());
        }
        int first = b.indexes[0];
        Long[] counts = new Long[b.indexes[b.size - 1] - first + 1];
        Arrays.fill(counts, 0L);
        for (int i = 0; i < b.size; i++) {
            counts[b.indexes[i] - first] = b.counts[i];
        }
        return ExponentialHistogramBuckets.create(scale, first - 1, Arrays.asList(counts));
    }

    private HistogramPointData explicit(Family f, Attributes attributes) {
        List<Double> bounds = new ArrayList<>(f.bounds.length - 1);
        for (int i = 0; i < f.bounds.length - 1; i++) {
            bounds.add(f.bounds[i]);
        }
        List<Long> counts = new ArrayList<>(r.buckets.length);
        for (long c : r.buckets) {
            counts.add(c);
        }
        return new BucketPoint(startNanos, nowNanos, attributes, r.sum, r.count, bounds, counts, exemplars());
    }

    /** The latest exemplar of each classic bucket still shown, pointing to its turn's span. */
    private List<DoubleExemplarData> exemplars() {
        List<DoubleExemplarData> out = new ArrayList<>();
        for (int i = 0; i < r.buckets.length; i++) {
            if (r.hasExemplar(i)) {
                int at = i * HistogramState.EXEMPLAR_LONGS;
                SpanContext span = SpanContext.create(
                        SnapshotCollector.hex(r.exemplars[at]) + SnapshotCollector.hex(r.exemplars[at + 1]),
                        SnapshotCollector.hex(r.exemplars[at + 2]), TraceFlags.getSampled(), TraceState.getDefault());
                out.add(DoubleExemplarData.create(Attributes.empty(),
                        TimeUnit.MILLISECONDS.toNanos(r.exemplars[at + 4]), span,
                        Double.longBitsToDouble(r.exemplars[at + 3])));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(List<Object> points) {
        return (List<T>) (List<?>) points;
    }

    /** One metric as the SDK's exporters read it (the SDK's own implementation is internal API). */
    record OtlpMetric(Resource getResource, InstrumentationScopeInfo getInstrumentationScopeInfo, String getName,
                      String getDescription, String getUnit, MetricDataType getType, Data<?> getData)
            implements MetricData {
    }

    /**
     * An explicit-bucket histogram point with exemplars ({@code HistogramPointData.create} takes none): the
     * classic bounds, each bucket's own count, the last one above the highest bound.
     */
    record BucketPoint(long getStartEpochNanos, long getEpochNanos, Attributes getAttributes, double getSum,
                       long getCount, List<Double> getBoundaries, List<Long> getCounts,
                       List<DoubleExemplarData> getExemplars) implements HistogramPointData {
        @Override
        public boolean hasMin() {
            return false;
        }

        @Override
        public double getMin() {
            return 0;
        }

        @Override
        public boolean hasMax() {
            return false;
        }

        @Override
        public double getMax() {
            return 0;
        }
    }
}
