package dev.koreexporter.tracing;

/**
 * Spans since start: ended (sampled), exported (accepted by the backend), failed (in an export that failed) and
 * dropped (not queued: the queue was full while the backend failed, or at shutdown). Once flushed,
 * {@code ended = exported + failed + dropped}.
 */
public record SpanCounts(long ended, long exported, long failed, long dropped) {
    /** Spans that never reached the backend: {@code kore_exporter_spans_dropped_total}. */
    public long lost() {
        return failed + dropped;
    }
}
