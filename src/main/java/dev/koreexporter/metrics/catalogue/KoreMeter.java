package dev.koreexporter.metrics.catalogue;

import dev.koreexporter.model.Latency;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalogue: every kore_* meter, declared once (name, help, type, unit, labels, default buckets, and for
 * the turn meters which latency value feeds it), in registration order. {@code KoreMetrics} registers from
 * it, {@code Buckets} and the {@code metrics.buckets.*} config keys derive from it, and a test checks the
 * README's metric and bucket tables against it.
 *
 * <p>The default buckets are chosen for voice SLOs: the bounds are the thresholds alerts and dashboards test
 * against (total turn latency 1.5 s and 2 s, TTS first byte 0.3 s), so "share of turns under the SLO" is an
 * exact bucket ratio, never an interpolation (README, "Service level objectives").
 */
public enum KoreMeter {
    LABEL_VALUES_FOLDED("kore_exporter_label_values_folded_total", Type.COUNTER, Unit.NONE,
            "Label values replaced by 'other': the bot's label already had metrics.max-label-values distinct values,"
                    + " or the value was longer than 64 characters", names("label")),
    SERIES_FOLDED("kore_exporter_series_folded_total", Type.COUNTER, Unit.NONE,
            "Observations counted in the bot's overflow series (all labels but bot 'other'): the bot already had"
                    + " metrics.max-series-per-metric series of that metric", names("bot", "metric")),

    TURN_LATENCY("kore_turn_latency_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Voice turn latency from the end of the user's utterance to the start of the bot's playback (latency.totalMs)",
            names("bot", "channel", "language"),
            bounds(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0),
            TurnFeed.latency(Latency::totalMs, new SloWording("Voice turns of %s are too slow",
                    "voice turns slower than %s (user's utterance end to bot playback start)"))),
    ASR_LATENCY("kore_asr_latency_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "ASR processing time of a voice turn, including endpoint detection (latency.asr.durationMs)",
            names("bot", "channel", "language", "asr_provider"),
            bounds(0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0),
            TurnFeed.latency(l -> l.asr() == null ? null : l.asr().durationMs(), new SloWording(
                    "Speech recognition of %s is too slow", "speech recognitions (ASR) slower than %s"))),
    BOT_LATENCY("kore_bot_latency_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Bot processing time of a voice turn (latency.bot.durationMs)",
            names("bot", "channel", "language"),
            bounds(0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0),
            TurnFeed.latency(l -> l.bot() == null ? null : l.bot().durationMs(), new SloWording(
                    "The bot logic of %s is too slow", "bot replies (dialog processing) slower than %s"))),
    TTS_LATENCY("kore_tts_latency_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "TTS time of a voice turn (latency.tts.durationMs)",
            names("bot", "channel", "language", "tts_provider", "tts_streaming"),
            bounds(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0),
            TurnFeed.latency(l -> l.tts() == null ? null : l.tts().durationMs(), new SloWording(
                    "Text-to-speech of %s is too slow", "text-to-speech requests slower than %s"))),
    TTS_FIRST_BYTE("kore_tts_first_byte_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Time to the first TTS audio byte of a voice turn (latency.tts.firstByteMs, when present)",
            names("bot", "channel", "language", "tts_provider"),
            bounds(0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.0),
            TurnFeed.latency(l -> l.tts() == null ? null : l.tts().firstByteMs(), new SloWording(
                    "Text-to-speech of %s starts too late", "TTS requests whose first audio byte took longer than %s"))),
    TURN_GAP("kore_turn_gap_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Part of a voice turn's latency no segment accounts for (telephony, endpointing, queuing): latency.totalMs"
                    + " minus the asr, bot and tts durationMs, when all four are valid and the segments do not overlap",
            names("bot", "channel", "language"),
            bounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
            TurnFeed.latency(Latency::gapMs, new SloWording("Voice turns of %s lose too much time outside ASR, bot"
                    + " and TTS", "voice turns with more than %s outside ASR, bot and TTS (telephony, endpointing,"
                    + " queuing)"))),
    ASR_CONFIDENCE("kore_asr_confidence", Type.HISTOGRAM, Unit.RATIO,
            "ASR confidence score of a voice turn, 0..1 (latency.asr.confidenceScore)",
            names("bot", "channel", "asr_provider"),
            bounds(0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0),
            TurnFeed.plain(l -> l.asr() == null ? null : l.asr().confidence())),
    TTS_AUDIO("kore_tts_audio_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Length of the audio TTS generated for a voice turn (latency.tts.audioLengthMs)",
            names("bot", "channel", "tts_provider"),
            bounds(0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0),
            TurnFeed.millis(l -> l.tts() == null ? null : l.tts().audioMs())),
    TTS_CHARACTERS("kore_tts_characters_total", Type.COUNTER, Unit.NONE,
            "Characters sent to TTS (sum of latency.tts.utteranceLengthChars)",
            names("bot", "channel", "tts_provider"), bounds(),
            TurnFeed.plain(l -> l.tts() == null ? null : l.tts().characters())),

    MESSAGES("kore_messages_total", Type.COUNTER, Unit.NONE,
            "Messages read from Kore.ai, each counted once", names("bot", "channel", "direction")),
    SESSIONS("kore_sessions_total", Type.COUNTER, Unit.NONE,
            "Sessions counted once, when closed, by how they ended",
            names("bot", "channel", "containment", "session_type")),
    SESSION_DURATION("kore_session_duration_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Duration of closed sessions (end_time - start_time)", names("bot", "channel", "containment"),
            bounds(10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0), null),
    SESSION_MESSAGES("kore_session_messages", Type.HISTOGRAM, Unit.NONE,
            "Messages exchanged in closed sessions (noOfMessagesExchanged)", names("bot", "channel", "containment"),
            bounds(1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0), null),
    CONTAINMENT_RATIO("kore_containment_ratio", Type.GAUGE, Unit.RATIO,
            "Share of the sessions closed in the trailing containment window, by containment type",
            names("bot", "containment")),
    AGENTAI_CONVERSATIONS("kore_agentai_conversations_total", Type.COUNTER, Unit.NONE,
            "Agent AI conversations, each counted once", names("bot", "channel_type", "experience")),

    UP("kore_exporter_up", Type.GAUGE, Unit.NONE,
            "1 when the bot's last poll cycle succeeded, else 0", names("bot")),
    API_REQUESTS("kore_exporter_api_requests_total", Type.COUNTER, Unit.NONE,
            "Requests sent to Kore.ai, by HTTP status ('error' when no response arrived)",
            names("bot", "endpoint", "code")),
    API_REQUEST_DURATION("kore_exporter_api_request_duration_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Duration of requests to Kore.ai", names("endpoint"),
            bounds(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0), null),
    API_THROTTLED("kore_exporter_api_throttled_total", Type.COUNTER, Unit.NONE,
            "Requests Kore.ai answered with 429", names("bot", "endpoint")),
    LAST_SUCCESS("kore_exporter_last_success_timestamp_seconds", Type.GAUGE, Unit.SECONDS,
            "Unix time of the bot's last successful poll cycle", names("bot")),
    WATERMARK_LAG("kore_exporter_watermark_lag_seconds", Type.GAUGE, Unit.SECONDS,
            "Now minus the end of the last window read completely", names("bot")),
    DUPLICATES_DROPPED("kore_exporter_duplicates_dropped_total", Type.COUNTER, Unit.NONE,
            "Records read again (overlapping windows, repeated pages, retries) and not counted twice",
            names("bot", "kind")),
    RECORDS_REJECTED("kore_exporter_records_rejected_total", Type.COUNTER, Unit.NONE,
            "Records that could not be counted (missing id, bad time, bad values)", names("bot", "kind", "reason")),
    RECORDS_EXCLUDED("kore_exporter_records_excluded_total", Type.COUNTER, Unit.NONE,
            "Valid records left out of the kore_* metrics on purpose, each once (developer: Bot Builder test traffic)",
            names("bot", "kind", "reason")),
    CHECKPOINT_ERRORS("kore_exporter_checkpoint_errors_total", Type.COUNTER, Unit.NONE,
            "Checkpoint writes that failed (state dir unwritable or full)", names("bot")),
    CLOCK_STEPS_BACK("kore_exporter_clock_steps_back_total", Type.COUNTER, Unit.NONE,
            "Poll cycles that started earlier, by the local clock, than the bot's previous cycle", names("bot")),
    HTTP_AUTH_FAILURES("kore_exporter_http_auth_failures_total", Type.COUNTER, Unit.NONE,
            "Logins to the exporter refused by basic auth (wrong user or password)", names()),
    HTTP_CONNECTIONS_CLOSED("kore_exporter_http_connections_closed_total", Type.COUNTER, Unit.NONE,
            "Connections the exporter's HTTP server closed on its own: request headers not complete in time"
                    + " (header_timeout), a response the client did not take (write_timeout), or closed to make room"
                    + " under server.max-connections (evicted)", names("reason")),
    STANDBY("kore_exporter_standby", Type.GAUGE, Unit.NONE,
            "1 while another process holds the bot's checkpoint lock and this one stands by, 0 while this one polls it",
            names("bot")),
    BUILD_INFO("kore_exporter_build_info", Type.GAUGE, Unit.NONE,
            "Build of the running exporter; always 1", names("version")),
    SPANS_DROPPED("kore_exporter_spans_dropped_total", Type.COUNTER, Unit.NONE,
            "Spans dropped because the batch span processor's queue was full", names()),
    RECORD_DELAY("kore_exporter_record_delay_seconds", Type.HISTOGRAM, Unit.SECONDS,
            "Time from a record's own time (message createdOn, session end_time, Agent AI startTime) to when it was"
                    + " counted, for records counted while the bot is caught up",
            names("bot", "kind"),
            bounds(5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 3600.0), null),
    API_BUDGET_USED("kore_exporter_api_budget_used_ratio", Type.GAUGE, Unit.RATIO,
            "The bot's Kore.ai requests in the trailing window (every endpoint, 429s included) divided by its"
                    + " rate limit for that window", names("bot", "window")),
    LOOKBACK("kore_exporter_lookback_seconds", Type.GAUGE, Unit.SECONDS,
            "The configured poll.lookback: records that land later than this after their own time are never read",
            names()),
    SHARD_ORDINAL("kore_exporter_shard_ordinal", Type.GAUGE, Unit.NONE,
            "This replica's shard I of --shard I/N; absent without --shard", names()),
    SHARD_COUNT("kore_exporter_shard_count", Type.GAUGE, Unit.NONE,
            "The shard count N of --shard I/N, the same on every replica of a deployment; absent without --shard",
            names());

    /** Default {@code metrics.max-label-values}: distinct values each label of each bot keeps (README, "Metrics"). */
    public static final int LABEL_VALUE_LIMIT = 50;
    /** Default {@code metrics.max-series-per-metric}: series each bot keeps per metric (README, "Metrics"). */
    public static final int SERIES_PER_METRIC_LIMIT = 500;

    /** How the meter is exported. */
    public enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        /** As the README's metric table writes it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a value measures (base units only); ratios are 0..1, so bucket bounds above 1 are pointless. */
    public enum Unit {
        SECONDS, RATIO, NONE
    }

    private final String metricName;
    private final Type type;
    private final Unit unit;
    private final String help;
    private final List<String> labels;
    private final List<Double> buckets;
    private final TurnFeed turnFeed;

    KoreMeter(String metricName, Type type, Unit unit, String help, List<String> labels) {
        this(metricName, type, unit, help, labels, List.of(), null);
    }

    KoreMeter(String metricName, Type type, Unit unit, String help, List<String> labels, List<Double> buckets,
              TurnFeed turnFeed) {
        if ((type == Type.HISTOGRAM) == buckets.isEmpty()) {
            throw new IllegalArgumentException(metricName + ": histograms and only histograms have buckets");
        }
        this.metricName = metricName;
        this.type = type;
        this.unit = unit;
        this.help = help;
        this.labels = labels;
        this.buckets = buckets;
        this.turnFeed = turnFeed;
    }

    /** The exported name (without the {@code _bucket}/{@code _count}/{@code _sum} suffixes of a histogram). */
    public String metricName() {
        return metricName;
    }

    public Type type() {
        return type;
    }

    public Unit unit() {
        return unit;
    }

    public String help() {
        return help;
    }

    public List<String> labels() {
        return labels;
    }

    /** Default bucket upper bounds; empty unless a histogram. */
    public List<Double> buckets() {
        return buckets;
    }

    /** How a voice turn feeds this meter; null for meters not fed by turns. */
    public TurnFeed turnFeed() {
        return turnFeed;
    }

    /**
     * A latency histogram (README "Metrics"): its buckets carry the turn's exemplar, it is also a native
     * histogram, and SLOs may be written for it.
     */
    public boolean latency() {
        return turnFeed != null && turnFeed.exemplar();
    }

    /**
     * A bot's counter or histogram whose cumulative values the bot's checkpoint carries (README "Reliability and
     * security"): continued across restarts and takeovers, and shown once a checkpoint holding them is written. Not
     * {@link #CHECKPOINT_ERRORS}: it counts this process's failed writes, which no checkpoint holds, and must show
     * while they fail (alert KoreExporterCheckpointWritesFailing); like the process's own counters, it starts from
     * zero in each process.
     */
    public boolean checkpointed() {
        return labels.contains("bot") && type != Type.GAUGE && this != CHECKPOINT_ERRORS;
    }

    /**
     * The name pushed over OTLP (README "OTLP metrics"): the Prometheus name without the {@code _total} of a
     * counter and the unit suffix ({@code _seconds}, {@code _ratio}), with dots between the words, as OpenTelemetry
     * names metrics ({@code kore_turn_latency_seconds} is {@code kore.turn.latency}, unit {@code s}). Prometheus'
     * OTLP translation adds the suffixes back: a backend that stores OTLP as Prometheus series names them as
     * {@code /metrics} does.
     */
    public String otelName() {
        String name = metricName;
        if (type == Type.COUNTER) {
            name = name.replaceFirst("_total$", "");
        }
        name = switch (unit) {
            case SECONDS -> name.replaceFirst("_seconds$", "");
            case RATIO -> name.replaceFirst("_ratio$", "");
            case NONE -> name;
        };
        return name.replace('_', '.');
    }

    /**
     * The UCUM unit pushed over OTLP: {@code s}, {@code 1} for a ratio, none for a count (a gauge with unit
     * {@code 1} would become {@code _ratio} in Prometheus).
     */
    public String otelUnit() {
        return switch (unit) {
            case SECONDS -> "s";
            case RATIO -> "1";
            case NONE -> "";
        };
    }

    /** The meter exported as {@code metricName}. */
    public static Optional<KoreMeter> named(String metricName) {
        return Arrays.stream(values()).filter(m -> m.metricName.equals(metricName)).findFirst();
    }

    /** The histograms, whose buckets {@code metrics.buckets.<name>} may set. */
    public static List<KoreMeter> histograms() {
        return Arrays.stream(values()).filter(m -> m.type == Type.HISTOGRAM).toList();
    }

    private static List<String> names(String... names) {
        return List.of(names);
    }

    private static List<Double> bounds(Double... bounds) {
        return List.of(bounds);
    }
}
