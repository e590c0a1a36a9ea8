package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Emits the spans of README "Tracing": one trace per Kore.ai session, a backdated {@code kore.turn} span per bot
 * turn with {@code kore.asr}, {@code kore.bot}, {@code kore.tts} children, and the {@code kore.session} root
 * once the session closes.
 *
 * <p>Ids: the SDK takes a span's own ids from its {@link io.opentelemetry.sdk.trace.IdGenerator}, and its
 * trace id from its parent. So a {@link PresetIdGenerator} is told the derived ids ({@link SpanIds}) just
 * before each span starts, and a turn gets as parent the session span's (derived) context, although that
 * span is only emitted when the session closes. Its sampled flag is the sampler's decision for the
 * session's root span, so a parent-based sampler keeps or drops a session's turns together with it.
 */
public final class OtelTurnTracer implements TurnTracer, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OtelTurnTracer.class.getName());
    static final String INSTRUMENTATION = "dev.koreexporter.tracing";
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    /** Sessions whose parent context a poller thread keeps (a few hundred bytes each). */
    static final int SESSION_PARENTS = 1024;

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final Sampler sampler;
    private final PresetIdGenerator ids;
    private final SpanStats stats;
    private final boolean enabled;
    private final TurnAttributes attributes;
    private final ThreadLocal<Map<SessionKey, Context>> sessionParents = ThreadLocal.withInitial(() ->
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<SessionKey, Context> eldest) {
                    return size() > SESSION_PARENTS;
                }
            });

    private record SessionKey(String botId, String sessionId) {
    }

    OtelTurnTracer(ExporterConfig.Tracing cfg, OpenTelemetrySdk sdk, PresetIdGenerator ids, SpanStats stats,
                   boolean enabled) {
        this.sdk = sdk;
        this.tracer = sdk.getTracer(INSTRUMENTATION);
        this.sampler = sdk.getSdkTracerProvider().getSampler();
        this.ids = ids;
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
        PresetIdGenerator ids = new PresetIdGenerator();
        SpanGate gate = new SpanGate();
        SpanStats stats = new SpanStats(gate);
        SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(stats).build();
        BatchSpanProcessor batch = BatchSpanProcessor.builder(gate.counting(exporter))
                .setMaxQueueSize(queueSize).setMaxExportBatchSize(Math.min(512, queueSize))
                .setMeterProvider(() -> meters).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setIdGenerator(ids)
                .setSampler(sampler)
                .setResource(Resource.getDefault().merge(EnvironmentTracing.defaultServiceName()))
                .addSpanProcessor(gate.gating(batch, queueSize, maxWait))
                .build();
        return new OtelTurnTracer(cfg,
                OpenTelemetrySdk.builder().setTracerProvider(provider).setMeterProvider(meters).build(),
                ids, stats, true);
    }

    public static OtelTurnTracer forExporter(ExporterConfig.Tracing cfg, SpanExporter exporter) {
        return forExporter(cfg, exporter, Sampler.parentBased(Sampler.alwaysOn()));
    }

    /** The SDK tracer itself (tests look at the resource of its spans). */
    Tracer sdkTracer() {
        return tracer;
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
        Context parent = turn.sessionId() == null ? Context.root() : sessionParent(bot.id(), turn.sessionId());
        SpanBuilder b = tracer.spanBuilder("kore.turn").setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS);
        attributes.turn(b, bot, turn);
        // Without a session the trace id cannot be derived: the turn is its own root, on a random trace.
        SpanIds.TurnIds turnIds = SpanIds.turnIds(turn.id());
        Span span = ids.with(null, turnIds.turn(), b::startSpan);
        Context inTurn = Context.root().with(span);

        long at = start;
        if (l.asr() != null && l.asr().durationMs() != null) {
            at = segment("kore.asr", turnIds.asr(), inTurn, at, l.asr().durationMs(),
                    b2 -> attributes.asr(b2, l.asr()), null);
        }
        if (l.bot() != null && l.bot().durationMs() != null) {
            at = segment("kore.bot", turnIds.bot(), inTurn, at, l.bot().durationMs(), b2 -> { }, null);
        }
        if (l.tts() != null && l.tts().durationMs() != null) {
            segment("kore.tts", turnIds.tts(), inTurn, at, l.tts().durationMs(), b2 -> attributes.tts(b2, l.tts()),
                    l.tts().firstByteMs());
        }
        // An exemplar only for a span the exporter got: one that was not sampled, or was refused while the backend
        // fails, would point to a trace that does not exist.
        if (!end(span, end)) {
            return null;
        }
        SpanContext ctx = span.getSpanContext();
        return new SpanRef(ctx.getTraceId(), ctx.getSpanId());
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
        SpanBuilder b = tracer.spanBuilder("kore.session").setNoParent().setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(nanos(session.start()), TimeUnit.NANOSECONDS);
        attributes.session(b, bot, session);
        Span span = ids.with(SpanIds.traceId(bot.id(), session.id()), SpanIds.sessionSpanId(bot.id(), session.id()),
                b::startSpan);
        end(span, nanos(endTime));
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
            LOG.warning("tracing: spans still queued after " + CLOSE_TIMEOUT.toSeconds() + " s at shutdown were lost (collector unreachable or slow)");
        }
    }

    private long segment(String name, String spanId, Context parent, long start, double durationMs,
                         java.util.function.Consumer<SpanBuilder> attrs, Double firstByteMs) {
        long end = start + ms(durationMs);
        SpanBuilder b = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS);
        attrs.accept(b);
        Span span = ids.with(null, spanId, b::startSpan);
        if (firstByteMs != null) {
            span.addEvent("first_byte", start + ms(firstByteMs), TimeUnit.NANOSECONDS);
        }
        end(span, end);
        return end;
    }

    /** Ends the span; true when it was handed to the exporter (sampled, and not refused by the {@link SpanGate}). */
    private boolean end(Span span, long endNanos) {
        span.end(endNanos, TimeUnit.NANOSECONDS);
        if (!span.getSpanContext().isSampled()) {
            return false;
        }
        stats.ended();
        return stats.gate().lastHandedOver();
    }

    /**
     * The (not yet emitted) session span as the parent of a turn. Cached per poller thread for recent sessions:
     * two SHA-256 ids and a sampling decision per turn were a third of the cost of tracing it.
     */
    private Context sessionParent(String botId, String sessionId) {
        return sessionParents.get().computeIfAbsent(new SessionKey(botId, sessionId), k -> {
            String traceId = SpanIds.traceId(botId, sessionId);
            TraceFlags flags = sessionSampled(traceId) ? TraceFlags.getSampled() : TraceFlags.getDefault();
            return Context.root().with(Span.wrap(SpanContext.create(traceId, SpanIds.sessionSpanId(botId, sessionId),
                    flags, TraceState.getDefault())));
        });
    }

    private boolean sessionSampled(String traceId) {
        return sampler.shouldSample(Context.root(), traceId, "kore.session", SpanKind.INTERNAL, Attributes.empty(),
                List.of()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
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
