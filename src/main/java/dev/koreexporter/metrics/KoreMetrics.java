package dev.koreexporter.metrics;

import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.BudgetWindow;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.ExclusionReason;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.Session;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Registers the meters of the catalogue ({@link KoreMeter}) and observes domain records into them (README,
 * "Metrics"). Callers hand it domain records; it knows nothing of HTTP or polling.
 */
public final class KoreMetrics {
    static final int LABEL_VALUE_LIMIT = KoreMeter.LABEL_VALUE_LIMIT;

    private final Clock clock;
    private final int labelValueLimit;
    private final Map<String, List<Double>> buckets;
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
    private final Counter excluded;
    private final Counter checkpointErrors;
    private final Histogram recordDelay;
    private final Gauge lookback;
    /** By bot: registering a bot again (a poller rebuilt after its checkpoint was repaired) replaces it. */
    private final Map<String, ToDoubleFunction<BudgetWindow>> budgets = new ConcurrentSkipListMap<>();
    private final Counter clockStepsBack;
    private final Gauge standby;

    /** With the default {@code metrics.max-label-values} ({@link KoreMeter#LABEL_VALUE_LIMIT}). */
    public KoreMetrics(PrometheusRegistry registry, Map<String, List<Double>> buckets, String version, Clock clock) {
        this(registry, buckets, version, clock, LABEL_VALUE_LIMIT);
    }

    /** @param labelValueLimit {@code metrics.max-label-values}: distinct values each label of each bot keeps */
    public KoreMetrics(PrometheusRegistry registry, Map<String, List<Double>> buckets, String version, Clock clock,
                       int labelValueLimit) {
        this.clock = clock;
        this.labelValueLimit = labelValueLimit;
        this.registry = registry;
        this.buckets = Map.copyOf(buckets);
        folded = counter(KoreMeter.LABEL_VALUES_FOLDED);
        channel = guard("channel");
        language = guard("language");
        asrProvider = guard("asr_provider");
        ttsProvider = guard("tts_provider");
        sessionType = guard("session_type");
        channelType = guard("channel_type");
        experience = guard("experience");

        List<StatefulMetric<?, ?>> turnMeters = new ArrayList<>();
        for (KoreMeter meter : TurnSeries.METERS) {
            turnMeters.add(meter.type() == KoreMeter.Type.HISTOGRAM ? histogram(meter) : counter(meter));
        }
        turnSeries = new TurnSeries.Cache(turnMeters);
        messages = counter(KoreMeter.MESSAGES);
        sessions = counter(KoreMeter.SESSIONS);
        sessionDuration = histogram(KoreMeter.SESSION_DURATION);
        sessionMessages = histogram(KoreMeter.SESSION_MESSAGES);
        perBotGauge(KoreMeter.CONTAINMENT_RATIO, (bot, now, cb) ->
                bot.containmentRatios(now).forEach((c, ratio) -> cb.call(ratio, bot.bot(), c.wireName())));
        conversations = counter(KoreMeter.AGENTAI_CONVERSATIONS);

        up = gauge(KoreMeter.UP);
        apiRequests = counter(KoreMeter.API_REQUESTS);
        apiDuration = histogram(KoreMeter.API_REQUEST_DURATION);
        apiThrottled = counter(KoreMeter.API_THROTTLED);
        lastSuccess = gauge(KoreMeter.LAST_SUCCESS);
        perBotGauge(KoreMeter.WATERMARK_LAG, (bot, now, cb) ->
                bot.watermarkLagSeconds(now).ifPresent(lag -> cb.call(lag, bot.bot())));
        duplicates = counter(KoreMeter.DUPLICATES_DROPPED);
        rejected = counter(KoreMeter.RECORDS_REJECTED);
        excluded = counter(KoreMeter.RECORDS_EXCLUDED);
        checkpointErrors = counter(KoreMeter.CHECKPOINT_ERRORS);
        clockStepsBack = counter(KoreMeter.CLOCK_STEPS_BACK);
        standby = gauge(KoreMeter.STANDBY);
        gauge(KoreMeter.BUILD_INFO).labelValues(version).set(1);
        recordDelay = histogram(KoreMeter.RECORD_DELAY);
        lookback = gauge(KoreMeter.LOOKBACK);
        GaugeWithCallback.builder().name(KoreMeter.API_BUDGET_USED.metricName()).help(KoreMeter.API_BUDGET_USED.help())
                .labelNames(labels(KoreMeter.API_BUDGET_USED))
                .callback(cb -> budgets.forEach((bot, used) -> {
                    for (BudgetWindow w : BudgetWindow.values()) {
                        cb.call(used.applyAsDouble(w), bot, w.label());
                    }
                })).register(registry);
    }

    /**
     * Exports kore_exporter_api_budget_used_ratio for {@code bot}: {@code used} gives the share of the bot's
     * limit for a window taken by the requests sent in it (the bot's {@code KoreClient#budgetUsed}).
     */
    public void registerApiBudget(String bot, ToDoubleFunction<BudgetWindow> used) {
        budgets.put(bot, used);
    }

    /** Exports poll.lookback, so alerts compare record delays with it without repeating the config. */
    public void lookback(Duration poll) {
        lookback.set(poll.toMillis() / 1000.0);
    }

    /** How late a record counted while its bot is caught up was counted, after its own time. */
    public void recordDelay(String bot, RecordKind kind, Duration delay) {
        recordDelay.labelValues(bot, kind.label()).observe(delay.toNanos() / 1e9);
    }

    /** Exports the count of spans the tracing pipeline dropped (queue full), read at scrape time. */
    public void registerSpanDrops(LongSupplier dropped) {
        KoreMeter meter = KoreMeter.SPANS_DROPPED;
        CounterWithCallback.builder().name(meter.metricName()).help(meter.help())
                .labelNames(meter.labels().toArray(String[]::new))
                .callback(cb -> cb.call(dropped.getAsLong()))
                .register(registry);
    }

    /** Registers a bot so its gauges (up, lag, containment ratio) are exported. */
    public void register(BotGauges bot) {
        bots.add(bot);
        up.labelValues(bot.bot()).set(0);
        // From 0, so that increase() sees the first step back too.
        clockStepsBack.labelValues(bot.bot());
    }

    /** The local clock was behind the bot's previous cycle start when a cycle started. */
    public void clockSteppedBack(String bot) {
        clockStepsBack.labelValues(bot).inc();
    }

    public void turn(String bot, Message m, TurnExemplar exemplar) {
        Latency l = m.latency();
        Latency.Asr asr = l.asr();
        Latency.Tts tts = l.tts();
        TurnSeries series = turnSeries.of(new TurnSeries.Key(bot, channel.value(bot, m.channel()),
                language.value(bot, m.language()), asr == null ? null : asrProvider.value(bot, asr.provider()),
                tts == null ? null : ttsProvider.value(bot, tts.provider()),
                tts == null ? null : tts.streaming() == null ? LabelGuard.UNKNOWN : tts.streaming().toString()));
        series.observe(l, exemplar == null ? null
                : Labels.of("trace_id", exemplar.traceId(), "span_id", exemplar.spanId()));
    }

    public void message(String bot, Message m) {
        MessageKey key = new MessageKey(bot, channel.value(bot, m.channel()), m.direction());
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
        String ch = channel.value(bot, s.channel());
        String containment = s.containment() == null ? LabelGuard.UNKNOWN : s.containment().wireName();
        sessions.labelValues(bot, ch, containment, sessionType.value(bot, s.sessionType())).inc();
        if (s.end() != null) {
            sessionDuration.labelValues(bot, ch, containment)
                    .observe(Duration.between(s.start(), s.end()).toMillis() / 1000.0);
        }
        if (s.messages() != null) {
            sessionMessages.labelValues(bot, ch, containment).observe(s.messages());
        }
    }

    public void conversation(String bot, AgentAiConversation c) {
        conversations.labelValues(bot, channelType.value(bot, c.channelType()), experience.value(bot, c.experience()))
                .inc();
    }

    public void cycleFinished(String bot, boolean success) {
        up.labelValues(bot).set(success ? 1 : 0);
        if (success) {
            lastSuccess.labelValues(bot).set(clock.millis() / 1000.0);
        }
    }

    public void duplicate(String bot, RecordKind kind) {
        duplicates.labelValues(bot, kind.label()).inc();
    }

    public void rejected(String bot, Rejection r) {
        rejected.labelValues(bot, r.kind().label(), r.reason().label()).inc();
    }

    public void excluded(String bot, RecordKind kind, ExclusionReason reason) {
        excluded.labelValues(bot, kind.label(), reason.label()).inc();
    }

    /** Whether another process polls the bot (this one stands by) or this one does (README "Reliability and security"). */
    public void standby(String bot, boolean standingBy) {
        standby.labelValues(bot).set(standingBy ? 1 : 0);
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
        return new LabelGuard(label, labelValueLimit, l -> folded.labelValues(l).inc());
    }

    private Counter counter(KoreMeter meter) {
        return Counter.builder().name(meter.metricName()).help(meter.help()).labelNames(labels(meter))
                .register(registry);
    }

    private Gauge gauge(KoreMeter meter) {
        return Gauge.builder().name(meter.metricName()).help(meter.help()).labelNames(labels(meter))
                .register(registry);
    }

    /** A gauge read at scrape time from every registered bot. */
    @FunctionalInterface
    private interface PerBot {
        void read(BotGauges bot, Instant now, GaugeWithCallback.Callback callback);
    }

    private void perBotGauge(KoreMeter meter, PerBot values) {
        GaugeWithCallback.builder().name(meter.metricName()).help(meter.help()).labelNames(labels(meter))
                .callback(cb -> {
                    Instant now = clock.instant();
                    for (BotGauges bot : bots) {
                        values.read(bot, now, cb);
                    }
                }).register(registry);
    }

    private Histogram histogram(KoreMeter meter) {
        HistogramShape shape = meter.latency() ? HistogramShape.CLASSIC_AND_NATIVE : HistogramShape.CLASSIC;
        return shape.register(registry, meter.metricName(), meter.help(), Buckets.bounds(meter, buckets), labels(meter));
    }

    private static String[] labels(KoreMeter meter) {
        return meter.labels().toArray(String[]::new);
    }
}
