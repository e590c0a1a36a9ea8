package dev.koreexporter.metrics.store;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The store as client_java snapshots, so a {@code PrometheusRegistry} (and any client_java writer) sees the
 * kore_* families too: what tests read, and the reference the store's own writers are checked against byte for
 * byte. {@code /metrics} does not go this way (README "Performance and sizing": a snapshot per scrape is what
 * made 0.3.0's scrapes slow).
 */
final class SnapshotCollector implements MultiCollector {
    private final SeriesStore store;

    SnapshotCollector(SeriesStore store) {
        this.store = store;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        Reading r = new Reading(true, true, store.exemplarsSince());
        for (Family f : store.families()) {
            List<Object> points = new ArrayList<>();
            for (Series s : f.sorted()) {
                if (store.exported(s.owner.bot()) && s.snapshot(r)) {
                    points.add(point(f, s, r));
                }
            }
            out.add(snapshot(f, points));
        }
        return new MetricSnapshots(out);
    }

    @Override
    public List<String> getPrometheusNames() {
        return Arrays.stream(store.families()).map(f -> f.prometheusName).toList();
    }

    @SuppressWarnings("unchecked")
    private static MetricSnapshot snapshot(Family f, List<Object> points) {
        return switch (f.meter.type()) {
            case COUNTER -> new CounterSnapshot(new MetricMetadata(f.prometheusName, f.name, f.name, f.meter.help(),
                    null), (List<CounterSnapshot.CounterDataPointSnapshot>) (List<?>) points);
            case GAUGE -> new GaugeSnapshot(new MetricMetadata(f.name, f.meter.help()),
                    (List<GaugeSnapshot.GaugeDataPointSnapshot>) (List<?>) points);
            case HISTOGRAM -> new HistogramSnapshot(new MetricMetadata(f.name, f.meter.help()),
                    (List<HistogramSnapshot.HistogramDataPointSnapshot>) (List<?>) points);
        };
    }

    private static Object point(Family f, Series s, Reading r) {
        Labels labels = Labels.of(f.sortedLabels, s.labels);
        return switch (f.meter.type()) {
            case COUNTER -> new CounterSnapshot.CounterDataPointSnapshot(r.value, labels, null, 0);
            case GAUGE -> new GaugeSnapshot.GaugeDataPointSnapshot(r.value, labels, null);
            case HISTOGRAM -> histogram(f, labels, r);
        };
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot histogram(Family f, Labels labels, Reading r) {
        ClassicHistogramBuckets classic = ClassicHistogramBuckets.of(f.bounds, r.buckets);
        List<Exemplar> exemplars = new ArrayList<>();
        for (int i = 0; i < r.buckets.length; i++) {
            if (r.hasExemplar(i)) {
                int at = i * HistogramState.EXEMPLAR_LONGS;
                exemplars.add(new Exemplar(Double.longBitsToDouble(r.exemplars[at + 3]), Labels.of("span_id",
                        hex(r.exemplars[at + 2]), "trace_id", hex(r.exemplars[at]) + hex(r.exemplars[at + 1])),
                        r.exemplars[at + 4]));
            }
        }
        if (!r.hasNative) {
            return new HistogramSnapshot.HistogramDataPointSnapshot(classic, r.sum, labels, Exemplars.of(exemplars), 0);
        }
        NativeHistogram n = r.nativeBuckets;
        return new HistogramSnapshot.HistogramDataPointSnapshot(classic, n.schema, n.zeroCount,
                NativeHistogram.ZERO_THRESHOLD, buckets(n.positive), buckets(n.negative), r.sum, labels,
                Exemplars.of(exemplars), 0);
    }

    private static NativeHistogramBuckets buckets(NativeHistogram.Buckets b) {
        return b == null ? NativeHistogramBuckets.EMPTY
                : NativeHistogramBuckets.of(Arrays.copyOf(b.indexes, b.size), Arrays.copyOf(b.counts, b.size));
    }

    static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }
}
