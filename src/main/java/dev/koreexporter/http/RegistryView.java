package dev.koreexporter.http;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The exported numbers the status page shows, read back from the registry by metric name and label (the
 * names users see on {@code /metrics}, listed in the README), so the page needs nothing from the code that
 * records them. A metric that is not there (yet) is simply absent.
 */
final class RegistryView {
    static final String TURN_LATENCY = "kore_turn_latency_seconds";
    static final String RECORD_DELAY = "kore_exporter_record_delay_seconds";
    static final String CONTAINMENT = "kore_containment_ratio";
    static final String LAG = "kore_exporter_watermark_lag_seconds";
    static final String LAST_SUCCESS = "kore_exporter_last_success_timestamp_seconds";
    static final String UP = "kore_exporter_up";
    static final String STANDBY = "kore_exporter_standby";
    static final String BUDGET = "kore_exporter_api_budget_used_ratio";
    private static final Set<String> NAMES = Set.of(TURN_LATENCY, RECORD_DELAY, CONTAINMENT, LAG, LAST_SUCCESS, UP,
            STANDBY, BUDGET);

    /** One bot's figures; a missing gauge is an empty optional, a missing histogram {@link BucketCounts#EMPTY}. */
    record BotFigures(OptionalDouble up, OptionalDouble lastSuccessSeconds, OptionalDouble lagSeconds,
                      OptionalDouble budgetMinute, OptionalDouble budgetHour, boolean standby,
                      Map<String, Double> containment, BucketCounts turns, BucketCounts recordDelay) {
        static final BotFigures NONE = new BotFigures(OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), false, Map.of(),
                BucketCounts.EMPTY, BucketCounts.EMPTY);
    }

    private final Map<String, Builder> bots = new HashMap<>();

    private RegistryView() {
    }

    /** Reads only the families the page shows, not the whole registry. */
    static RegistryView of(PrometheusRegistry registry) {
        RegistryView view = new RegistryView();
        for (MetricSnapshot m : registry.scrape(NAMES::contains)) {
            String name = m.getMetadata().getName();
            switch (m) {
                case GaugeSnapshot g -> g.getDataPoints().forEach(p -> {
                    String bot = p.getLabels().get("bot");
                    if (bot != null) {
                        view.bot(bot).gauge(name, p.getLabels(), p.getValue());
                    }
                });
                case HistogramSnapshot h -> h.getDataPoints().forEach(p -> {
                    String bot = p.getLabels().get("bot");
                    if (bot != null && p.hasClassicHistogramData()) {
                        view.bot(bot).histogram(name, counts(p.getClassicBuckets()));
                    }
                });
                default -> {
                    // Another type under one of these names is not ours to interpret.
                }
            }
        }
        return view;
    }

    BotFigures figures(String bot) {
        Builder b = bots.get(bot);
        return b == null ? BotFigures.NONE : b.build();
    }

    private Builder bot(String bot) {
        return bots.computeIfAbsent(bot, k -> new Builder());
    }

    private static BucketCounts counts(ClassicHistogramBuckets buckets) {
        double[] bounds = new double[buckets.size()];
        long[] counts = new long[buckets.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = buckets.getUpperBound(i);
            counts[i] = buckets.getCount(i);
        }
        return new BucketCounts(bounds, counts);
    }

    private static final class Builder {
        private final Map<String, Double> gauges = new HashMap<>();
        private final Map<String, Double> containment = new TreeMap<>();
        private BucketCounts turns = BucketCounts.EMPTY;
        private BucketCounts recordDelay = BucketCounts.EMPTY;

        void gauge(String name, Labels labels, double value) {
            switch (name) {
                case CONTAINMENT -> {
                    String c = labels.get("containment");
                    if (c != null) {
                        containment.put(c, value);
                    }
                }
                case BUDGET -> {
                    String window = labels.get("window");
                    if (window != null) {
                        gauges.put(BUDGET + "/" + window, value);
                    }
                }
                default -> gauges.put(name, value);
            }
        }

        void histogram(String name, BucketCounts counts) {
            if (name.equals(TURN_LATENCY)) {
                turns = turns.plus(counts);
            } else if (name.equals(RECORD_DELAY)) {
                recordDelay = recordDelay.plus(counts);
            }
        }

        BotFigures build() {
            return new BotFigures(value(UP), value(LAST_SUCCESS), value(LAG), value(BUDGET + "/1m"),
                    value(BUDGET + "/1h"), gauges.getOrDefault(STANDBY, 0.0) == 1.0, java.util.Collections.unmodifiableMap(new TreeMap<>(containment)),
                    turns, recordDelay);
        }

        private OptionalDouble value(String key) {
            Double v = gauges.get(key);
            return v == null || v.isNaN() ? OptionalDouble.empty() : OptionalDouble.of(v);
        }
    }
}
