package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.tracing.TurnTracer;

import java.time.Instant;
import java.util.function.Consumer;

/** Where a counted record goes ({@link Kind.Sink}): the bot's meters, tracer and containment window, the cycle's log. */
public interface Meters {
    ExporterConfig.Bot bot();

    KoreMetrics metrics();

    /**
     * Spans of the record, emitted by {@code emit} once the page's counting section has ended (outside the ledger's
     * lock: emitting may wait for room in the span queue), in the order given.
     */
    void afterPage(Consumer<TurnTracer> emit);

    /** Part of the record is rejected (counted and logged once per kind and reason); the record still counts. */
    void rejected(Rejection rejection);

    /** A session closed at {@code end}, for kore_containment_ratio. */
    void closed(Instant end, Containment containment);

    /** The record was a bot turn (the cycle's log line counts them). */
    void turn();
}
