package dev.koreexporter.metrics;

import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.Session;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one place every kore_* meter is named, described, bucketed and labelled (CONTRACT §4). Callers hand
 * it domain records; it knows nothing of HTTP or polling.
 */
public final class KoreMetrics {
    static final int LABEL_VALUE_LIMIT = 50;

    private final Clock clock;
    private final PrometheusRegistry registry;
    private final List<BotGauges> bots = new CopyOnWriteArrayList<>();
    private final Counter folded;
    private final LabelGuard channel;
    private final LabelGuard language;
    private final LabelGuard asrProvider;
    private final LabelGuard ttsProvider;
    private final LabelGuard sessionType;
    private final LabelGuard channelType;
    private final LabelGuard experience;

    private final Histogram turnLatency;
    private final Histogram asrLatency;
    private final Histogram botLatency;
    private final Histogram ttsLatency;
    private final Histogram ttsFirstByte;
    private final Histogram asrConfidence;
    private final Histogram ttsAudio;
    private final Counter ttsCharacters;
    private final Counter messages;
    private final Counter sessions;
    private final Histogram sessionDuration;
    private final Histogram sessionMessages;
    private final Counter conversations;
    private final TurnSeries.Cache turnSeries;
    private final ConcurrentHashMap<MessageKey, CounterDataPoint> messageSeries = new ConcurrentHashMap<>();

    private final Gauge up;
    private final Counter apiRequests;
    private final Histogram apiDuration;
    private final Counter apiThrottled;
    private final Gauge lastSuccess;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter checkpointErrors;

    public KoreMetrics(PrometheusRegistry registry, Map<String, List<Double>> buckets, String version, Clock clock) {
        this.clock = clock;
        this.registry = registry;
        folded = Counter.builder().name("kore_exporter_label_values_folded_total")
                .help("Label values replaced by 'other' because the label already had "
                        + LABEL_VALUE_LIMIT + " distinct values")
                .labelNames("label").register(registry);
        channel = guard("channel");
        language = guard("language");
        asrProvider = guard("asr_provider");
        ttsProvider = guard("tts_provider");
        sessionType = guard("session_type");
        channelType = guard("channel_type");
        experience = guard("experience");

        turnLatency = latencyHistogram(registry, buckets, "kore_turn_latency_seconds",
                "Voice turn latency from the end of the user's utterance to the start of the bot's playback (latency.totalMs)",
                "bot", "channel", "language");
        asrLatency = latencyHistogram(registry, buckets, "kore_asr_latency_seconds",
                "ASR processing time of a voice turn, including endpoint detection (latency.asr.durationMs)",
                "bot", "channel", "language", "asr_provider");
        botLatency = latencyHistogram(registry, buckets, "kore_bot_latency_seconds",
                "Bot processing time of a voice turn (latency.bot.durationMs)", "bot", "channel", "language");
        ttsLatency = latencyHistogram(registry, buckets, "kore_tts_latency_seconds",
                "TTS time of a voice turn (latency.tts.durationMs)",
                "bot", "channel", "language", "tts_provider", "tts_streaming");
        ttsFirstByte = latencyHistogram(registry, buckets, "kore_tts_first_byte_seconds",
                "Time to the first TTS audio byte of a voice turn (latency.tts.firstByteMs, when present)",
                "bot", "channel", "language", "tts_provider");
        asrConfidence = histogram(registry, buckets, "kore_asr_confidence",
                "ASR confidence score of a voice turn, 0..1 (latency.asr.confidenceScore)",
                "bot", "channel", "asr_provider");
        ttsAudio = histogram(registry, buckets, "kore_tts_audio_seconds",
                "Length of the audio TTS generated for a voice turn (latency.tts.audioLengthMs)",
                "bot", "channel", "tts_provider");
        ttsCharacters = Counter.builder().name("kore_tts_characters_total")
                .help("Characters sent to TTS (sum of latency.tts.utteranceLengthChars)")
                .labelNames("bot", "channel", "tts_provider").register(registry);
        messages = Counter.builder().name("kore_messages_total")
                .help("Messages read from Kore.ai, each counted once")
                .labelNames("bot", "channel", "direction").register(registry);
        sessions = Counter.builder().name("kore_sessions_total")
                .help("Sessions counted once, when closed, by how they ended")
                .labelNames("bot", "channel", "containment", "session_type").register(registry);
        sessionDuration = histogram(registry, buckets, "kore_session_duration_seconds",
                "Duration of closed sessions (end_time - start_time)", "bot", "channel", "containment");
        sessionMessages = histogram(registry, buckets, "kore_session_messages",
                "Messages exchanged in closed sessions (noOfMessagesExchanged)", "bot", "channel", "containment");
        GaugeWithCallback.builder().name("kore_containment_ratio")
                .help("Share of the sessions closed in the trailing containment window, by containment type")
                .labelNames("bot", "containment")
                .callback(cb -> {
                    Instant now = clock.instant();
                    for (BotGauges bot : bots) {
                        bot.containmentRatios(now).forEach((c, ratio) -> cb.call(ratio, bot.bot(), c.wireName()));
                    }
                }).register(registry);
        conversations = Counter.builder().name("kore_agentai_conversations_total")
                .help("Agent AI conversations, each counted once")
                .labelNames("bot", "channel_type", "experience").register(registry);

        turnSeries = new TurnSeries.Cache(new TurnSeries.Meters(turnLatency, asrLatency, botLatency, ttsLatency,
                ttsFirstByte, asrConfidence, ttsAudio, ttsCharacters));

        up = Gauge.builder().name("kore_exporter_up")
                .help("1 when the bot's last poll cycle succeeded, else 0").labelNames("bot").register(registry);
        apiRequests = Counter.builder().name("kore_exporter_api_requests_total")
                .help("Requests sent to Kore.ai, by HTTP status ('error' when no response arrived)")
                .labelNames("bot", "endpoint", "code").register(registry);
        apiDuration = histogram(registry, buckets, "kore_exporter_api_request_duration_seconds",
                "Duration of requests to Kore.ai", "endpoint");
        apiThrottled = Counter.builder().name("kore_exporter_api_throttled_total")
                .help("Requests Kore.ai answered with 429").labelNames("bot", "endpoint").register(registry);
        lastSuccess = Gauge.builder().name("kore_exporter_last_success_timestamp_seconds")
                .help("Unix time of the bot's last successful poll cycle").labelNames("bot").register(registry);
        GaugeWithCallback.builder().name("kore_exporter_watermark_lag_seconds")
                .help("Now minus the end of the last window read completely")
                .labelNames("bot")
                .callback(cb -> {
                    Instant now = clock.instant();
                    for (BotGauges bot : bots) {
                        bot.watermarkLagSeconds(now).ifPresent(lag -> cb.call(lag, bot.bot()));
                    }
                }).register(registry);
        duplicates = Counter.builder().name("kore_exporter_duplicates_dropped_total")
                .help("Records read again (overlapping windows, repeated pages, retries) and not counted twice")
                .labelNames("bot", "kind").register(registry);
        rejected = Counter.builder().name("kore_exporter_records_rejected_total")
                .help("Records that could not be counted (missing id, bad time, bad values)")
                .labelNames("bot", "kind", "reason").register(registry);
        checkpointErrors = Counter.builder().name("kore_exporter_checkpoint_errors_total")
                .help("Checkpoint writes that failed (state dir unwritable or full)")
                .labelNames("bot").register(registry);
        Gauge buildInfo = Gauge.builder().name("kore_exporter_build_info")
                .help("Build of the running exporter; always 1").labelNames("version").register(registry);
        buildInfo.labelValues(version).set(1);
    }

    /** Exports the count of spans the tracing pipeline dropped (queue full), read at scrape time. */
    public void registerSpanDrops(java.util.function.LongSupplier dropped) {
        CounterWithCallback.builder().name("kore_exporter_spans_dropped_total")
                .help("Spans dropped because the batch span processor's queue was full")
                .callback(cb -> cb.call(dropped.getAsLong()))
                .register(registry);
    }

    /** Registers a bot so its gauges (up, lag, containment ratio) are exported. */
    public void register(BotGauges bot) {
        bots.add(bot);
        up.labelValues(bot.bot()).set(0);
    }

    public void turn(String bot, Message m, TurnExemplar exemplar) {
        Latency l = m.latency();
        Latency.Asr asr = l.asr();
        Latency.Tts tts = l.tts();
        TurnSeries series = turnSeries.of(new TurnSeries.Key(bot, channel.value(m.channel()),
                language.value(m.language()), asr == null ? null : asrProvider.value(asr.provider()),
                tts == null ? null : ttsProvider.value(tts.provider()),
                tts == null ? null : tts.streaming() == null ? LabelGuard.UNKNOWN : tts.streaming().toString()));
        Labels ex = exemplar == null ? null : Labels.of("trace_id", exemplar.traceId(), "span_id", exemplar.spanId());
        if (l.totalMs() != null) {
            observeMs(series.turn(), l.totalMs(), ex);
        }
        if (asr != null) {
            if (asr.durationMs() != null) {
                observeMs(series.asr(), asr.durationMs(), ex);
            }
            if (asr.confidence() != null) {
                series.asrConfidence().observe(asr.confidence());
            }
        }
        if (l.bot() != null && l.bot().durationMs() != null) {
            observeMs(series.bot(), l.bot().durationMs(), ex);
        }
        if (tts != null) {
            if (tts.durationMs() != null) {
                observeMs(series.tts(), tts.durationMs(), ex);
            }
            if (tts.firstByteMs() != null) {
                observeMs(series.ttsFirstByte(), tts.firstByteMs(), ex);
            }
            if (tts.audioMs() != null) {
                observeMs(series.ttsAudio(), tts.audioMs(), null);
            }
            if (tts.characters() != null) {
                series.ttsCharacters().inc(tts.characters());
            }
        }
    }

    public void message(String bot, Message m) {
        MessageKey key = new MessageKey(bot, channel.value(m.channel()), m.direction());
        CounterDataPoint counter = messageSeries.get(key);
        if (counter == null) {
            counter = messageSeries.computeIfAbsent(key,
                    k -> messages.labelValues(k.bot(), k.channel(), k.direction().label()));
        }
        counter.inc();
    }

    /** Label values of kore_messages_total; its data points are cached like {@link TurnSeries}. */
    private record MessageKey(String bot, String channel, Direction direction) {
    }

    public void sessionClosed(String bot, Session s) {
        String ch = channel.value(s.channel());
        String containment = s.containment() == null ? LabelGuard.UNKNOWN : s.containment().wireName();
        sessions.labelValues(bot, ch, containment, sessionType.value(s.sessionType())).inc();
        if (s.end() != null) {
            sessionDuration.labelValues(bot, ch, containment)
                    .observe(Duration.between(s.start(), s.end()).toMillis() / 1000.0);
        }
        if (s.messages() != null) {
            sessionMessages.labelValues(bot, ch, containment).observe(s.messages());
        }
    }

    public void conversation(String bot, AgentAiConversation c) {
        conversations.labelValues(bot, channelType.value(c.channelType()), experience.value(c.experience())).inc();
    }

    public void cycleFinished(String bot, boolean success) {
        up.labelValues(bot).set(success ? 1 : 0);
        if (success) {
            lastSuccess.labelValues(bot).set(clock.millis() / 1000.0);
        }
    }

    public void duplicate(String bot, String kind) {
        duplicates.labelValues(bot, kind).inc();
    }

    public void rejected(String bot, Rejection r) {
        rejected.labelValues(bot, r.kind(), r.reason()).inc();
    }

    public void checkpointFailed(String bot) {
        checkpointErrors.labelValues(bot).inc();
    }

    /** Counts one bot's Kore.ai requests. */
    public ApiRequestListener apiListener(String bot) {
        return new ApiRequestListener() {
            @Override
            public void requestCompleted(Endpoint endpoint, String code, Duration duration) {
                apiRequests.labelValues(bot, endpoint.label(), code).inc();
                apiDuration.labelValues(endpoint.label()).observe(duration.toNanos() / 1e9);
            }

            @Override
            public void throttled(Endpoint endpoint) {
                apiThrottled.labelValues(bot, endpoint.label()).inc();
            }
        };
    }

    private LabelGuard guard(String label) {
        return new LabelGuard(label, LABEL_VALUE_LIMIT, l -> folded.labelValues(l).inc());
    }

    private static void observeMs(DistributionDataPoint series, double ms, Labels exemplar) {
        double seconds = ms / 1000.0;
        if (exemplar == null) {
            series.observe(seconds);
        } else {
            series.observeWithExemplar(seconds, exemplar);
        }
    }

    private static Histogram histogram(PrometheusRegistry registry, Map<String, List<Double>> buckets,
                                       String name, String help, String... labels) {
        return HistogramShape.CLASSIC.register(registry, name, help, Buckets.bounds(name, buckets), labels);
    }

    /** The five latency histograms: native next to the classic buckets (README "Native histograms"). */
    private static Histogram latencyHistogram(PrometheusRegistry registry, Map<String, List<Double>> buckets,
                                              String name, String help, String... labels) {
        return HistogramShape.CLASSIC_AND_NATIVE.register(registry, name, help, Buckets.bounds(name, buckets), labels);
    }
}
