package dev.koreexporter.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.List;

/**
 * From a span's ids, times and attributes to the exporter, as the SDK's span builder would take it there: the
 * sampler decides (with the parent's context, so a parent-based sampler keeps or drops a session's spans
 * together), the span limits cut the attributes, then the {@link SpanGate} hands the span to the processors. Every
 * fact comes back to the caller: a started span's context, and whether an ended span reached the exporter.
 */
final class SpanPipeline {
    /** A span whose sampling is decided ({@code context}'s sampled flag) and whose end is to come. */
    record Started(String name, SpanContext context, SpanContext parent, long startNanos, Attributes attributes) {
    }

    private final Sampler sampler;
    private final SpanLimits limits;
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final SpanGate gate;
    private final SpanStats stats;

    SpanPipeline(Sampler sampler, SpanLimits limits, Resource resource, String instrumentation, SpanGate gate,
                 SpanStats stats) {
        this.sampler = sampler;
        this.limits = limits;
        this.resource = resource;
        this.scope = InstrumentationScopeInfo.create(instrumentation);
        this.gate = gate;
        this.stats = stats;
    }

    Resource resource() {
        return resource;
    }

    /**
     * Samples a span with these ids: {@code parent} is invalid for a root, whose {@code traceId} is then its own;
     * a child's {@code traceId} is its parent's.
     */
    Started start(String name, SpanContext parent, String traceId, String spanId, long startNanos,
                  Attributes attributes) {
        Context parentContext = parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root();
        SamplingResult sampling = sampler.shouldSample(parentContext, traceId, name, SpanKind.INTERNAL, attributes,
                List.of());
        boolean sampled = sampling.getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
        TraceState state = sampling.getUpdatedTraceState(parent.getTraceState());
        SpanContext context = SpanContext.create(traceId, spanId,
                sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), state);
        Attributes all = sampling.getAttributes().isEmpty() ? attributes
                : attributes.toBuilder().putAll(sampling.getAttributes()).build();
        return new Started(name, context, parent, startNanos, all);
    }

    /**
     * Ends the span; true when it was handed to the exporter: sampled (the processors export nothing else) and not
     * refused by the {@link SpanGate} while the backend fails. May wait for room in the span queue.
     */
    boolean end(Started span, long endNanos, List<EventData> events) {
        if (!span.context().isSampled()) {
            return false;
        }
        stats.ended();
        return gate.offer(new FinishedSpan(span.name(), span.context(), span.parent(), span.startNanos(), endNanos,
                limited(span.attributes()), span.attributes().size(), events, resource, scope));
    }

    /** The SDK's attribute limits ({@code OTEL_SPAN_ATTRIBUTE_*}): at most so many, strings at most so long. */
    private Attributes limited(Attributes attributes) {
        int count = limits.getMaxNumberOfAttributes();
        int length = limits.getMaxAttributeValueLength();
        if (attributes.size() <= count && length == Integer.MAX_VALUE) {
            return attributes;
        }
        AttributesBuilder b = Attributes.builder();
        int[] kept = {0};
        attributes.forEach((key, value) -> {
            if (kept[0]++ < count) {
                put(b, key, value instanceof String s && s.length() > length ? s.substring(0, length) : value);
            }
        });
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static <T> void put(AttributesBuilder b, AttributeKey<T> key, Object value) {
        b.put(key, (T) value);
    }
}
