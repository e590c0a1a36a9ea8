package dev.koreexporter.metrics;

import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.metrics.catalogue.TurnFeed;

import dev.koreexporter.model.Latency;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The series one voice turn observes, for one combination of (already bounded) label values. A turn feeds
 * every catalogue meter with a {@link TurnFeed}, and each {@code labelValues(...)} call hashes and compares a
 * fresh list of its label values; caching the data points per combination makes that one lookup per turn. A
 * data point is still created on its first observation only, so /metrics shows exactly the series it would
 * without the cache. Racing threads may both create one: {@code labelValues} returns the same data point to
 * both.
 */
final class TurnSeries {
    /** The catalogue's turn meters, in catalogue order. */
    static final List<KoreMeter> METERS = Arrays.stream(KoreMeter.values()).filter(m -> m.turnFeed() != null).toList();

    /** Label values of a turn; {@code asrProvider} is null without ASR, the TTS ones null without TTS. */
    record Key(String bot, String channel, String language, String asrProvider, String ttsProvider,
               String ttsStreaming) {

        private String value(String label) {
            return switch (label) {
                case "bot" -> bot;
                case "channel" -> channel;
                case "language" -> language;
                case "asr_provider" -> asrProvider;
                case "tts_provider" -> ttsProvider;
                case "tts_streaming" -> ttsStreaming;
                default -> throw new IllegalArgumentException("a turn has no label " + label);
            };
        }
    }

    /** All combinations seen; bounded like the series themselves (label values are bounded per label). */
    static final class Cache {
        private final List<StatefulMetric<?, ?>> meters;
        private final ConcurrentHashMap<Key, TurnSeries> series = new ConcurrentHashMap<>();

        /** @param meters the registered meter of each of {@link #METERS}, in that order */
        Cache(List<StatefulMetric<?, ?>> meters) {
            this.meters = List.copyOf(meters);
        }

        TurnSeries of(Key key) {
            TurnSeries s = series.get(key);
            return s != null ? s : series.computeIfAbsent(key, k -> new TurnSeries(meters, k));
        }
    }

    private final List<StatefulMetric<?, ?>> meters;
    private final Key key;
    private final AtomicReferenceArray<Object> points;

    private TurnSeries(List<StatefulMetric<?, ?>> meters, Key key) {
        this.meters = meters;
        this.key = key;
        this.points = new AtomicReferenceArray<>(meters.size());
    }

    /** Observes every value the turn has; {@code exemplar} (may be null) goes to the meters whose feed takes it. */
    void observe(Latency latency, Labels exemplar) {
        for (int i = 0; i < METERS.size(); i++) {
            TurnFeed feed = METERS.get(i).turnFeed();
            Double value = feed.read(latency);
            if (value == null) {
                continue;
            }
            switch (point(i)) {
                case DistributionDataPoint d when feed.exemplar() && exemplar != null ->
                        d.observeWithExemplar(value, exemplar);
                case DistributionDataPoint d -> d.observe(value);
                case CounterDataPoint c -> c.inc(value);
                default -> throw new IllegalStateException(METERS.get(i) + " is neither histogram nor counter");
            }
        }
    }

    private Object point(int i) {
        Object p = points.get(i);
        if (p == null) {
            String[] values = METERS.get(i).labels().stream().map(key::value).toArray(String[]::new);
            p = switch (meters.get(i)) {
                case Histogram h -> h.labelValues(values);
                case Counter c -> c.labelValues(values);
                default -> throw new IllegalStateException(METERS.get(i) + " is neither histogram nor counter");
            };
            points.set(i, p);
        }
        return p;
    }
}
