package dev.koreexporter.tracing;

/** Ids of an emitted span, lower-case hex: trace id 32 characters, span id 16. */
public record SpanRef(String traceId, String spanId) {
}
