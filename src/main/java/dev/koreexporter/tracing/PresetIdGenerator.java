package dev.koreexporter.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Hands the SDK the ids the tracer chose for the span it is about to start (per thread, since every bot
 * polls on its own thread). Spans started without preset ids get random ones.
 */
final class PresetIdGenerator implements IdGenerator {
    private record Next(String traceId, String spanId) {
    }

    private final ThreadLocal<Next> next = new ThreadLocal<>();

    /** Runs {@code start} with these ids preset; {@code traceId} is used only by root spans. */
    <T> T with(String traceId, String spanId, java.util.function.Supplier<T> start) {
        next.set(new Next(traceId, spanId));
        try {
            return start.get();
        } finally {
            next.remove();
        }
    }

    @Override
    public String generateSpanId() {
        Next n = next.get();
        return n == null ? IdGenerator.random().generateSpanId() : n.spanId();
    }

    @Override
    public String generateTraceId() {
        Next n = next.get();
        return n == null || n.traceId() == null ? IdGenerator.random().generateTraceId() : n.traceId();
    }
}
