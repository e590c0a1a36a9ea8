package dev.koreexporter.metrics;

import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.BudgetWindow;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.metrics.store.BotSeriesState;
import dev.koreexporter.metrics.store.Exemplar;
import dev.koreexporter.metrics.store.SeriesStore;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.ExclusionReason;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.Session;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Observes domain records into the kore_* series of the catalogue ({@link KoreMeter}; README, "Metrics"), held
 * by the {@link SeriesStore}. Callers hand it domain records; it knows nothing of HTTP or polling. A bot's
 * counters and histograms reach scrapes when the bot's poller {@link #publish}es them.
 */
public final class KoreMetrics implements BotFigures.Source {
    static final int LABEL_VALUE_LIMIT = KoreMeter.LABEL_VALUE_LIMIT;

    private final Clock clock;
    private final SeriesStore store;
    private final Map<String, LabelGuard> guards = new TreeMap<>();
    private final LabelGuard channel;
    private final LabelGuard language;
    private final LabelGuard asrProvider;
    private final LabelGuard ttsProvider;
    private final LabelGuard sessionType;
    private final LabelGuard channelType;
    private final LabelGuard experience;
    /** By bot: what a scrape and the status page read from the bot's poller and rate limiter. */
    private final Map<String, BotGauges> gauges = new ConcurrentHashMap<>();
    private final Map<String, ToDoubleFunction<BudgetWindow>> budgets = new ConcurrentHashMap<>();

    /** With the default {@code metrics.max-label-values} ({@link KoreMeter#LABEL_VALUE_LIMIT}). */
    public KoreMetrics(PrometheusRegistry registry, Map<String, List<Double>> buckets, String version, Clock clock) {
        this(registry, buckets, version, clock, LABEL_VALUE_LIMIT);
    }

    /** @param labelValueLimit {@code metrics.max-label-values}: distinct values each label of each bot keeps */
    public KoreMetrics(PrometheusRegistry registry, Map<String, List<Double>> buckets, String version, Clock clock,
                       int labelValueLimit) {
        this(registry, buckets, version, clock, labelValueLimit, KoreMeter.SERIES_PER_METRIC_LIMIT);
    }

    /**
     * @param registry           where client_java readers find the kore_* families too (tests; {@code /metrics}
     *                           writes them from the store directly)
     * @param maxSeriesPerMetric {@code metrics.max-series-per-metric}: series each bot keeps per metric
     */
    public KoreMetrics(PrometheusRegistry registry, Map<String, List<Double>> buckets, String version, Clock clock,
                       int labelValueLimit, int maxSeriesPerMetric) {
        this.clock = clock;
        this.store = new SeriesStore(buckets, maxSeriesPerMetric, clock);
        registry.register(store.collector());
        channel = guard("channel", labelValueLimit);
        language = guard("language", labelValueLimit);
        asrProvider = guard("asr_provider", labelValueLimit);
        ttsProvider = guard("tts_provider", labelValueLimit);
        sessionType = guard("session_type", labelValueLimit);
        channelType = guard("channel_type", labelValueLimit);
        experience = guard("experience", labelValueLimit);
        store.set(null, KoreMeter.BUILD_INFO, 1, version);
    }

    /** The series, for {@code /metrics}. */
    public SeriesStore store() {
        return store;
    }

    /**
     * Scrapes see the bot's counters and histograms as they are now. The poller calls it once what it counted
     * is checkpointed (README "Reliability and security"): after each checkpoint write, never before.
     */
    public void publish(String bot) {
        store.publish(bot);
    }

    /** The bot's cumulative counter and histogram values, for its checkpoint. */
    public BotSeriesState export(String bot) {
        return store.export(bot);
    }

    /** Continues the bot's counters and histograms from a checkpoint's values (published at once). */
    public void restore(String bot, BotSeriesState state) {
        store.restore(bot, state);
        for (BotSeriesState.Metric m : state.metrics()) {
            List<String> labels = KoreMeter.named(m.name()).map(KoreMeter::labels).orElse(List.of()).stream()
                    .filter(l -> !l.equals("bot")).toList();
            for (BotSeriesState.Series s : m.series()) {
                for (int i = 0; i < Math.min(labels.size(), s.labels().size()); i++) {
                    LabelGuard g = guards.get(labels.get(i));
                    if (g != null) {
                        g.remember(bot, s.labels().get(i));
                    }
                }
            }
        }
    }

    /** Removes every series of the bot (this process no longer polls it) and forgets its label values. */
    public void drop(String bot) {
        gauges.remove(bot);
        budgets.remove(bot);
        store.drop(bot);
        guards.values().forEach(g -> g.forget(bot));
    }

    /**
     * Exports kore_exporter_api_budget_used_ratio for {@code bot}: {@code used} gives the share of the bot's
     * limit for a window taken by the requests sent in it (the bot's {@code KoreClient#budgetUsed}).
     */
    public void registerApiBudget(String bot, ToDoubleFunction<BudgetWindow> used) {
        budgets.put(bot, used);
        for (BudgetWindow w : BudgetWindow.values()) {
            store.callback(bot, KoreMeter.API_BUDGET_USED, () -> used.applyAsDouble(w), w.label());
        }
    }

    /** Exports poll.lookback, so alerts compare record delays with it without repeating the config. */
    public void lookback(Duration poll) {
        store.set(null, KoreMeter.LOOKBACK, poll.toMillis() / 1000.0);
    }

    /** Exports {@code --shard index/count}, so alerts see replicas that disagree on the count or are missing. */
    public void shard(int index, int count) {
        store.set(null, KoreMeter.SHARD_ORDINAL, index);
        store.set(null, KoreMeter.SHARD_COUNT, count);
    }

    /** How late a record counted while its bot is caught up was counted, after its own time. */
    public void recordDelay(String bot, RecordKind kind, Duration delay) {
        store.observe(bot, KoreMeter.RECORD_DELAY, delay.toNanos() / 1e9, null, kind.label());
    }

    /** Exports the count of spans the tracing pipeline dropped (queue full), read at scrape time. */
    public void registerSpanDrops(LongSupplier dropped) {
        store.callback(null, KoreMeter.SPANS_DROPPED, dropped::getAsLong);
    }

    /** Exports the logins basic auth refused, read at scrape time. */
    public void registerAuthFailures(LongSupplier failures) {
        store.callback(null, KoreMeter.HTTP_AUTH_FAILURES, failures::getAsLong);
    }

    /** Registers a bot so its gauges (up, lag, containment ratio) are exported. */
    public void register(BotGauges bot) {
        String name = bot.bot();
        gauges.put(name, bot);
        store.set(name, KoreMeter.UP, 0);
        // From 0, so that increase() sees the first step back too.
        store.create(name, KoreMeter.CLOCK_STEPS_BACK);
        store.create(name, KoreMeter.CHECKPOINT_ERRORS); // alert KoreExporterCheckpointWritesFailing: increase()
        store.callback(name, KoreMeter.WATERMARK_LAG, () -> bot.watermarkLagSeconds(clock.instant()).orElse(Double.NaN));
        for (Containment c : Containment.values()) {
            store.callback(name, KoreMeter.CONTAINMENT_RATIO,
                    () -> bot.containmentRatios(clock.instant()).getOrDefault(c, Double.NaN), c.wireName());
        }
        store.publish(name);
    }

    /** The local clock was behind the bot's previous cycle start when a cycle started. */
    public void clockSteppedBack(String bot) {
        store.add(bot, KoreMeter.CLOCK_STEPS_BACK, 1);
    }

    /**
     * The exemplar of a turn counted before by {@link #turn} without one, once its span went to the exporter: spans
     * are emitted after the page's counting section (README "Tracing"), the turn's observations within it.
     */
    public void turnExemplar(String bot, Message m, TurnExemplar exemplar) {
        Latency l = m.latency();
        TurnLabels labels = turnLabels(bot, m);
        Exemplar span = Exemplar.of(exemplar.traceId(), exemplar.spanId());
        for (KoreMeter meter : TurnLabels.METERS) {
            Double value = meter.turnFeed().read(l);
            if (value != null && meter.type() == KoreMeter.Type.HISTOGRAM && meter.turnFeed().exemplar()) {
                store.exemplar(bot, meter, value, span, labels.of(meter));
            }
        }
    }

    private TurnLabels turnLabels(String bot, Message m) {
        Latency l = m.latency();
        Latency.Asr asr = l.asr();
        Latency.Tts tts = l.tts();
        return new TurnLabels(channel.value(bot, m.channel()), language.value(bot, m.language()),
                asr == null ? null : asrProvider.value(bot, asr.provider()),
                tts == null ? null : ttsProvider.value(bot, tts.provider()),
                tts == null ? null : tts.streaming() == null ? LabelGuard.UNKNOWN : tts.streaming().toString());
    }

    public void turn(String bot, Message m, TurnExemplar exemplar) {
        Latency l = m.latency();
        TurnLabels labels = turnLabels(bot, m);
        Exemplar span = exemplar == null ? null : Exemplar.of(exemplar.traceId(), exemplar.spanId());
        for (KoreMeter meter : TurnLabels.METERS) {
            Double value = meter.turnFeed().read(l);
            if (value == null) {
                continue;
            }
            if (meter.type() == KoreMeter.Type.HISTOGRAM) {
                store.observe(bot, meter, value, meter.turnFeed().exemplar() ? span : null, labels.of(meter));
            } else {
                store.add(bot, meter, value, labels.of(meter));
            }
        }
    }

    public void message(String bot, Message m) {
        store.add(bot, KoreMeter.MESSAGES, 1, channel.value(bot, m.channel()), m.direction().label());
    }

    public void sessionClosed(String bot, Session s) {
        String ch = channel.value(bot, s.channel());
        String containment = s.containment() == null ? LabelGuard.UNKNOWN : s.containment().wireName();
        store.add(bot, KoreMeter.SESSIONS, 1, ch, containment, sessionType.value(bot, s.sessionType()));
        if (s.end() != null) {
            store.observe(bot, KoreMeter.SESSION_DURATION, Duration.between(s.start(), s.end()).toMillis() / 1000.0,
                    null, ch, containment);
        }
        if (s.messages() != null) {
            store.observe(bot, KoreMeter.SESSION_MESSAGES, s.messages(), null, ch, containment);
        }
    }

    public void conversation(String bot, AgentAiConversation c) {
        store.add(bot, KoreMeter.AGENTAI_CONVERSATIONS, 1, channelType.value(bot, c.channelType()),
                experience.value(bot, c.experience()));
    }

    public void cycleFinished(String bot, boolean success) {
        store.set(bot, KoreMeter.UP, success ? 1 : 0);
        if (success) {
            store.set(bot, KoreMeter.LAST_SUCCESS, clock.millis() / 1000.0);
        }
    }

    public void duplicate(String bot, RecordKind kind) {
        store.add(bot, KoreMeter.DUPLICATES_DROPPED, 1, kind.label());
    }

    public void rejected(String bot, Rejection r) {
        store.add(bot, KoreMeter.RECORDS_REJECTED, 1, r.kind().label(), r.reason().label());
    }

    public void excluded(String bot, RecordKind kind, ExclusionReason reason) {
        store.add(bot, KoreMeter.RECORDS_EXCLUDED, 1, kind.label(), reason.label());
    }

    /** Whether another process polls the bot (this one stands by) or this one does (README "Reliability and security"). */
    public void standby(String bot, boolean standingBy) {
        store.set(bot, KoreMeter.STANDBY, standingBy ? 1 : 0);
    }

    public void checkpointFailed(String bot) {
        store.add(bot, KoreMeter.CHECKPOINT_ERRORS, 1);
    }

    /** Counts one bot's Kore.ai requests. */
    public ApiRequestListener apiListener(String bot) {
        return new ApiRequestListener() {
            @Override
            public void requestCompleted(Endpoint endpoint, String code, Duration duration) {
                store.add(bot, KoreMeter.API_REQUESTS, 1, endpoint.label(), code);
                store.observe(null, KoreMeter.API_REQUEST_DURATION, duration.toNanos() / 1e9, null, endpoint.label());
            }

            @Override
            public void throttled(Endpoint endpoint) {
                store.add(bot, KoreMeter.API_THROTTLED, 1, endpoint.label());
            }
        };
    }

    @Override
    public BotFigures figures(String bot) {
        Instant now = clock.instant();
        BotGauges g = gauges.get(bot);
        ToDoubleFunction<BudgetWindow> budget = budgets.get(bot);
        Map<String, Double> containment = new TreeMap<>();
        if (g != null) {
            g.containmentRatios(now).forEach((c, ratio) -> containment.put(c.wireName(), ratio));
        }
        return new BotFigures(g == null ? OptionalDouble.empty() : g.watermarkLagSeconds(now),
                budget == null ? OptionalDouble.empty() : present(budget.applyAsDouble(BudgetWindow.MINUTE)),
                budget == null ? OptionalDouble.empty() : present(budget.applyAsDouble(BudgetWindow.HOUR)),
                containment, buckets(bot, KoreMeter.TURN_LATENCY), buckets(bot, KoreMeter.RECORD_DELAY));
    }

    private BucketCounts buckets(String bot, KoreMeter histogram) {
        long[] counts = store.bucketCounts(bot, histogram);
        return counts == null ? BucketCounts.EMPTY : new BucketCounts(store.bounds(histogram), counts);
    }

    private static OptionalDouble present(double v) {
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private LabelGuard guard(String label, int limit) {
        LabelGuard g = new LabelGuard(label, limit, l -> store.add(null, KoreMeter.LABEL_VALUES_FOLDED, 1, l));
        guards.put(label, g);
        return g;
    }
}
