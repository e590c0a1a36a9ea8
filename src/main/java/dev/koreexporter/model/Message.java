package dev.koreexporter.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One conversation message. {@code latency} is present only on outgoing voice messages read with
 * {@code includeLatency}; {@code text} only when the user opted in to text in spans.
 */
public record Message(String id,
                      String sessionId,
                      Direction direction,
                      String channel,
                      String language,
                      Instant createdOn,
                      Latency latency,
                      String text) {
    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(createdOn, "createdOn");
    }

    /** A bot turn is an outgoing message that carries latency. */
    public boolean isTurn() {
        return direction == Direction.OUTGOING && latency != null;
    }
}
