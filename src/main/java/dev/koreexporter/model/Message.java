package dev.koreexporter.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One conversation message. {@code latency} is present only on outgoing voice messages read with
 * {@code includeLatency}; {@code text} only when the user opted in to text in spans; {@code traceId} is Kore.ai's
 * own id of an incoming message (read with {@code includeTraceId}, retained by Kore.ai for 30 days), or null.
 */
public record Message(String id,
                      String sessionId,
                      Direction direction,
                      String channel,
                      String language,
                      Instant createdOn,
                      Latency latency,
                      String text,
                      String traceId) {
    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(createdOn, "createdOn");
    }

    public Message(String id, String sessionId, Direction direction, String channel, String language,
                   Instant createdOn, Latency latency, String text) {
        this(id, sessionId, direction, channel, language, createdOn, latency, text, null);
    }

    /** A bot turn is an outgoing message that carries latency. */
    public boolean isTurn() {
        return direction == Direction.OUTGOING && latency != null;
    }
}
