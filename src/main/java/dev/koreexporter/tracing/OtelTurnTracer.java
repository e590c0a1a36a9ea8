package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.tracing.SpanPipeline.Started;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Emits the spans of README "Tracing": one trace per Kore.ai session, a backdated {@code kore.turn} span per bot
 * turn with {@code kore.asr}, {@code kore.bot}, {@code kore.tts} children, and the {@code kore.session} root
 * once the session closes.
 *
 * <p>Ids are derived ({@link SpanIds}) and passed explicitly: each span is built whole by the
 * {@link SpanPipeline}, a turn with the session span's (derived) context as its parent although that span is only
 * emitted when the session closes. The parent's sampled flag is the sampler's decision for the session's root
 * span, so a parent-based sampler keeps or drops a session's turns together with it.
 */
public final class OtelTurnTracer implements TurnTracer, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OtelTurnTracer.class.getName());
    static final String INSTRUMENTATION = "dev.koreexporter.tracing";
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    /** Sessions whose parent context is kept per bot (a few hundred bytes each). */
    static final int SESSION_PARENTS = 1024;

    private final OpenTelemetrySdk sdk;
    private final SpanPipeline spans;
    private final SpanStats stats;
    private final boolean enabled;
    private final TurnAttributes attributes;
    /**
     * The (not yet emitted) session span as the parent of a turn, for each bot's recent sessions: two SHA-256 ids
     * and a sampling decision per turn were a third of the cost of tracing it. Per bot, as one thread polls a bot.
     */
    private final Map<String, Map<String, SpanContext>> sessionParents = new ConcurrentHashMap<>();

    OtelTurnTracer(ExporterConfig.Tracing cfg, OpenTelemetrySdk sdk, Resource resource, SpanGate gate,
                   SpanStats stats, boolean enabled) {
        this.sdk = sdk;
        SdkTracerProvider provider = sdk.getSdkTracerProvider();
        this.spans = new SpanPipeline(provider.getSampler(), provider.getSpanLimits(), resource, INSTRUMENTATION,
                gate, stats);
        this.stats = stats;
        this.enabled = enabled;
        this.attributes = new TurnAttributes(cfg.includeText());
    }

    /**
     * The tracer configured by the standard {@code OTEL_*} variables in {@code env} (SDK autoconfigure):
     * {@code OTEL_TRACES_EXPORTER} otlp (default), zipkin, console, none. With {@code none} (or
     * {@code OTEL_SDK_DISABLED=true}) it emits nothing and {@link #turn} returns null.
     */
    public static OtelTurnTracer fromEnvironment(ExporterConfig.Tracing cfg, Map<String, String> env) {
        return EnvironmentTracing.create(cfg, env);
    }

    /** A tracer exporting to {@code exporter} through a default batch processor (tests, embedding). */
    public static OtelTurnTracer forExporter(ExporterConfig.Tracing cfg, SpanExporter exporter, Sampler sampler) {
        return forExporter(cfg, exporter, sampler, SpanGate.DEFAULT_CAPACITY, SpanGate.DEFAULT_MAX_WAIT);
    }

    /** The same with a batch queue of {@code queueSize} spans, none waiting longer than {@code maxWait}. */
    static OtelTurnTracer forExporter(ExporterConfig.Tracing cfg, SpanExporter exporter, Sampler sampler,
                                      int queueSize, Duration maxWait) {
        SpanGate gate = new SpanGate();
        SpanStats stats = new SpanStats(gate);
        SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(stats).build();
        BatchSpanProcessor batch = BatchSpanProcessor.builder(gate.counting(exporter))
                .setMaxQueueSize(queueSize).setMaxExportBatchSize(Math.min(512, queueSize))
                .setMeterProvider(() -> meters).build();
        Resource resource = Resource.getDefault().merge(EnvironmentTracing.defaultServiceName());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setSampler(sampler)
                .setResource(resource)
                .addSpanProcessor(gate.gating(batch, queueSize, maxWait))
                .build();
        return new OtelTurnTracer(cfg,
                OpenTelemetrySdk.builder().setTracerProvider(provider).setMeterProvider(meters).build(),
                resource, gate, stats, true);
    }

    public static OtelTurnTracer forExporter(ExporterConfig.Tracing cfg, SpanExporter exporter) {
        return forExporter(cfg, exporter, Sampler.parentBased(Sampler.alwaysOn()));
    }

    /** The resource every span carries (service.name and the rest of {@code OTEL_RESOURCE_ATTRIBUTES}). */
    Resource resource() {
        return spans.resource();
    }

    /** False when {@code OTEL_TRACES_EXPORTER=none}: nothing is ever emitted. */
    public boolean enabled() {
        return enabled;
    }

    @Override
    public SpanRef turn(ExporterConfig.Bot bot, Message turn) {
        Latency l = turn.latency();
        if (!enabled || l == null) {
            return null;
        }
        long end = nanos(turn.createdOn());
        long start = end - ms(l.totalMs() != null ? l.totalMs() : segmentsMs(l));
        // Without a session the trace id cannot be derived: the turn is its own root, on a random trace.
        SpanContext parent = turn.sessionId() == null ? SpanContext.getInvalid() : sessionParent(bot.id(), turn.sessionId());
        String traceId = parent.isValid() ? parent.getTraceId() : IdGenerator.random().generateTraceId();
        AttributesBuilder a = Attributes.builder();
        attributes.turn(a, bot, turn);
        SpanIds.TurnIds ids = SpanIds.turnIds(turn.id());
        Started span = spans.start("kore.turn", parent, traceId, ids.turn(), start, a.build());

        long at = start;
        if (l.asr() != null && l.asr().durationMs() != null) {
            at = segment("kore.asr", ids.asr(), span, at, l.asr().durationMs(), b -> attributes.asr(b, l.asr()), null);
        }
        if (l.bot() != null && l.bot().durationMs() != null) {
            at = segment("kore.bot", ids.bot(), span, at, l.bot().durationMs(), b -> { }, null);
        }
        if (l.tts() != null && l.tts().durationMs() != null) {
            segment("kore.tts", ids.tts(), span, at, l.tts().durationMs(), b -> attributes.tts(b, l.tts()),
                    l.tts().firstByteMs());
        }
        // An exemplar only for a span the exporter got: one that was not sampled, or was refused while the backend
        // fails, would point to a trace that does not exist.
        return spans.end(span, end, List.of()) ? new SpanRef(traceId, ids.turn()) : null;
    }

    @Override
    public void incoming(ExporterConfig.Bot bot, Message message) {
        if (enabled) {
            attributes.incoming(bot, message);
        }
    }

    @Override
    public void sessionClosed(ExporterConfig.Bot bot, Session session) {
        if (!enabled) {
            return;
        }
        Instant endTime = session.end() != null ? session.end() : session.start();
        AttributesBuilder a = Attributes.builder();
        attributes.session(a, bot, session);
        Started span = spans.start("kore.session", SpanContext.getInvalid(), SpanIds.traceId(bot.id(), session.id()),
                SpanIds.sessionSpanId(bot.id(), session.id()), nanos(session.start()), a.build());
        spans.end(span, nanos(endTime), List.of());
        attributes.forget(bot, session.id());
    }

    /** Counts of spans ended, exported, failed and dropped since start (for {@code kore_exporter_spans_*}). */
    public SpanCounts spanCounts() {
        return stats.counts();
    }

    /** Exports what is queued; true when done within the timeout. */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // BatchSpanProcessor.forceFlush can hand back a flush that is just completing (it completes the
        // result before clearing it), missing spans ended a moment ago: flush until every span is accounted for.
        do {
            long leftMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!sdk.getSdkTracerProvider().forceFlush().join(leftMs, TimeUnit.MILLISECONDS).isSuccess()) {
                return false;
            }
            SpanCounts c = stats.counts();
            if (c.exported() + c.failed() + c.dropped() >= c.ended()) {
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * From now on no poller waits for room in the span queue: called first thing at shutdown, so that stopping
     * the pollers is not held up by a slow or unreachable backend.
     */
    public void stopWaiting() {
        stats.gate().release();
    }

    /**
     * The environment for demo mode: tracing off, with one line saying how to turn it on, unless
     * {@code OTEL_TRACES_EXPORTER} is set (README "Tracing").
     */
    public static Map<String, String> demoEnvironment(Map<String, String> env) {
        return EnvironmentTracing.demo(env);
    }

    /** Flushes the queued spans (at most {@link #CLOSE_TIMEOUT}) and shuts the SDK down. */
    @Override
    public void close() {
        stopWaiting();
        boolean flushed = flush(CLOSE_TIMEOUT);
        stats.counts();
        sdk.shutdown().join(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (enabled && !flushed) {
            LOG.warning("tracing: spans still queued after " + CLOSE_TIMEOUT.toSeconds()
                    + " s at shutdown were lost (collector unreachable or slow)");
        }
    }

    private long segment(String name, String spanId, Started turn, long start, double durationMs,
                         Consumer<AttributesBuilder> attrs, Double firstByteMs) {
        long end = start + ms(durationMs);
        AttributesBuilder a = Attributes.builder();
        attrs.accept(a);
        Started span = spans.start(name, turn.context(), turn.context().getTraceId(), spanId, start, a.build());
        spans.end(span, end, firstByteMs == null ? List.of()
                : List.of(EventData.create(start + ms(firstByteMs), "first_byte", Attributes.empty())));
        return end;
    }

    private SpanContext sessionParent(String botId, String sessionId) {
        Map<String, SpanContext> parents = sessionParents.computeIfAbsent(botId, k ->
                new LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, SpanContext> eldest) {
                        return size() > SESSION_PARENTS;
                    }
                });
        synchronized (parents) {
            return parents.computeIfAbsent(sessionId, k -> {
                String traceId = SpanIds.traceId(botId, sessionId);
                Started session = spans.start("kore.session", SpanContext.getInvalid(), traceId,
                        SpanIds.sessionSpanId(botId, sessionId), 0, Attributes.empty());
                return session.context();
            });
        }
    }

    private static double segmentsMs(Latency l) {
        double sum = 0;
        sum += l.asr() != null && l.asr().durationMs() != null ? l.asr().durationMs() : 0;
        sum += l.bot() != null && l.bot().durationMs() != null ? l.bot().durationMs() : 0;
        sum += l.tts() != null && l.tts().durationMs() != null ? l.tts().durationMs() : 0;
        return sum;
    }

    static long ms(double ms) {
        return Math.round(ms * 1_000_000d);
    }

    static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }

}
