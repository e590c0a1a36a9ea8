package dev.koreexporter.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The series one voice turn observes, for one combination of (already bounded) label values. A turn feeds
 * up to eight meters, and each {@code labelValues(...)} call hashes and compares a fresh list of its label
 * values; caching the data points per combination makes that one lookup per turn. A data point is still
 * created on its first observation only, so /metrics shows exactly the series it would without the cache.
 * Racing threads may both create one: {@code labelValues} returns the same data point to both.
 */
final class TurnSeries {
    /** The turn meters, as {@link KoreMetrics} defines them. */
    record Meters(Histogram turn, Histogram asr, Histogram bot, Histogram tts, Histogram ttsFirstByte,
                  Histogram asrConfidence, Histogram ttsAudio, Counter ttsCharacters) {
    }

    /** Label values of a turn; {@code asrProvider} is null without ASR, the TTS ones null without TTS. */
    record Key(String bot, String channel, String language, String asrProvider, String ttsProvider,
               String ttsStreaming) {
    }

    /** All combinations seen; bounded like the series themselves (label values are bounded per label). */
    static final class Cache {
        private final Meters meters;
        private final ConcurrentHashMap<Key, TurnSeries> series = new ConcurrentHashMap<>();

        Cache(Meters meters) {
            this.meters = meters;
        }

        TurnSeries of(Key key) {
            TurnSeries s = series.get(key);
            return s != null ? s : series.computeIfAbsent(key, k -> new TurnSeries(meters, k));
        }
    }

    private final Meters meters;
    private final Key key;
    private volatile DistributionDataPoint turn;
    private volatile DistributionDataPoint asr;
    private volatile DistributionDataPoint bot;
    private volatile DistributionDataPoint tts;
    private volatile DistributionDataPoint ttsFirstByte;
    private volatile DistributionDataPoint asrConfidence;
    private volatile DistributionDataPoint ttsAudio;
    private volatile CounterDataPoint ttsCharacters;

    private TurnSeries(Meters meters, Key key) {
        this.meters = meters;
        this.key = key;
    }

    DistributionDataPoint turn() {
        DistributionDataPoint d = turn;
        return d != null ? d : (turn = meters.turn().labelValues(key.bot(), key.channel(), key.language()));
    }

    DistributionDataPoint asr() {
        DistributionDataPoint d = asr;
        return d != null ? d : (asr = meters.asr().labelValues(key.bot(), key.channel(), key.language(),
                key.asrProvider()));
    }

    DistributionDataPoint asrConfidence() {
        DistributionDataPoint d = asrConfidence;
        return d != null ? d : (asrConfidence = meters.asrConfidence().labelValues(key.bot(), key.channel(),
                key.asrProvider()));
    }

    DistributionDataPoint bot() {
        DistributionDataPoint d = bot;
        return d != null ? d : (bot = meters.bot().labelValues(key.bot(), key.channel(), key.language()));
    }

    DistributionDataPoint tts() {
        DistributionDataPoint d = tts;
        return d != null ? d : (tts = meters.tts().labelValues(key.bot(), key.channel(), key.language(),
                key.ttsProvider(), key.ttsStreaming()));
    }

    DistributionDataPoint ttsFirstByte() {
        DistributionDataPoint d = ttsFirstByte;
        return d != null ? d : (ttsFirstByte = meters.ttsFirstByte().labelValues(key.bot(), key.channel(),
                key.language(), key.ttsProvider()));
    }

    DistributionDataPoint ttsAudio() {
        DistributionDataPoint d = ttsAudio;
        return d != null ? d : (ttsAudio = meters.ttsAudio().labelValues(key.bot(), key.channel(),
                key.ttsProvider()));
    }

    CounterDataPoint ttsCharacters() {
        CounterDataPoint d = ttsCharacters;
        return d != null ? d : (ttsCharacters = meters.ttsCharacters().labelValues(key.bot(), key.channel(),
                key.ttsProvider()));
    }
}
