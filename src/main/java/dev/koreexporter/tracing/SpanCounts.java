package dev.koreexporter.tracing;

/**
 * Spans since start: ended (sampled, handed to the batch processor), exported (accepted by the backend),
 * failed (the export failed) and dropped (the processor's queue was full). Once flushed,
 * {@code ended = exported + failed + dropped}.
 */
public record SpanCounts(long ended, long exported, long failed, long dropped) {
}
