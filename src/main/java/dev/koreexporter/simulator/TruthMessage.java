package dev.koreexporter.simulator;

import dev.koreexporter.model.Message;

import java.time.Instant;

/**
 * A message as the simulator generated it. {@code message.latency()} is set on every voice turn (whether or
 * not a request asked for latency); {@code defect} is non-null when the bad-records fault broke it.
 * {@code toString()} leaves out the text and user id.
 */
public record TruthMessage(String botId, Message message, String userId, Instant visibleAt, Defect defect,
                           boolean developer, SegmentDefect segmentDefect) {
    public boolean valid() {
        return defect == null;
    }

    /**
     * The latency a correct reader observes: {@code message.latency()} without the parts a
     * {@link SegmentDefect} broke (null when the message has no latency).
     */
    public dev.koreexporter.model.Latency observedLatency() {
        var l = message.latency();
        return l == null || segmentDefect == null ? l : segmentDefect.observed(l);
    }

    /**
     * Whether a correct reader counts it in the kore_* metrics: not broken by a fault, and not developer
     * traffic unless developer traffic is included ({@code filters.include-developer}).
     */
    public boolean counted(boolean includeDeveloper) {
        return valid() && (includeDeveloper || !developer);
    }

    /** The message as a correct reader observes it: {@link #observedLatency()} in place of the latency. */
    public Message observedMessage() {
        Message m = message;
        return new Message(m.id(), m.sessionId(), m.direction(), m.channel(), m.language(), m.createdOn(),
                observedLatency(), m.text(), m.traceId());
    }

    /** A turn whose {@code totalMs} a correct reader observes (a turn latency observation and a turn span). */
    public boolean observedTurn() {
        return valid() && turn() && observedLatency().totalMs() != null;
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
                + " " + message.createdOn() + " visibleAt=" + visibleAt + " defect=" + defect
                + (developer ? " developer" : "") + (segmentDefect == null ? "" : " segment=" + segmentDefect) + "]";
    }
}
