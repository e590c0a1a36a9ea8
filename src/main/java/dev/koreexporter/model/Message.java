package dev.koreexporter.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One conversation message. {@code latency} is present only on outgoing voice messages read with
 * {@code includeLatency}, without the values that were invalid ({@code droppedLatency} names them); {@code text}
 * only when the user opted in to text in spans; {@code traceId} is Kore.ai's own id of an incoming message (read
 * with {@code includeTraceId}, retained by Kore.ai for 30 days), or null. {@code developer}: Bot Builder test
 * traffic ({@code isD}).
 */
public record Message(String id,
                      String sessionId,
                      Direction direction,
                      String channel,
                      String language,
                      Instant createdOn,
                      Latency latency,
                      String text,
                      String traceId,
                      boolean developer,
                      Set<LatencyField> droppedLatency) implements KoreRecord {
    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(createdOn, "createdOn");
        droppedLatency = droppedLatency == null || droppedLatency.isEmpty() ? Set.of() : Set.copyOf(droppedLatency);
    }

    /** Production traffic with nothing dropped. */
    public Message(String id, String sessionId, Direction direction, String channel, String language,
                   Instant createdOn, Latency latency, String text, String traceId) {
        this(id, sessionId, direction, channel, language, createdOn, latency, text, traceId, false, Set.of());
    }

    public Message(String id, String sessionId, Direction direction, String channel, String language,
                   Instant createdOn, Latency latency, String text) {
        this(id, sessionId, direction, channel, language, createdOn, latency, text, null);
    }

    /** Listed by {@code createdOn}. */
    @Override
    public Instant time() {
        return createdOn;
    }

    /** A bot turn is an outgoing message that carries latency. */
    public boolean isTurn() {
        return direction == Direction.OUTGOING && latency != null;
    }

    /**
     * A turn with a span: not when its {@code totalMs} was invalid, as the span's start would be a guess
     * (README, "Tracing").
     */
    public boolean tracedTurn() {
        return isTurn() && !droppedLatency.contains(LatencyField.TOTAL);
    }
}
