package dev.koreexporter.simulator;

import dev.koreexporter.model.Message;

import java.time.Instant;

/**
 * A message as the simulator generated it. {@code message.latency()} is set on every voice turn (whether or
 * not a request asked for latency); {@code defect} is non-null when the bad-records fault broke it.
 * {@code toString()} leaves out the text and user id.
 */
public record TruthMessage(String botId, Message message, String userId, Instant visibleAt, Defect defect) {
    public boolean valid() {
        return defect == null;
    }

    /** A bot turn: an outgoing voice message with latency. */
    public boolean turn() {
        return message.isTurn();
    }

    public boolean visibleBy(Instant t) {
        return !visibleAt.isAfter(t);
    }

    @Override
    public String toString() {
        return "TruthMessage[" + botId + " " + message.id() + " " + message.direction() + " " + message.channel()
                + " " + message.createdOn() + " visibleAt=" + visibleAt + " defect=" + defect + "]";
    }
}
