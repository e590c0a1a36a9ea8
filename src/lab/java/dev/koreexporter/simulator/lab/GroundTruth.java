package dev.koreexporter.simulator.lab;

import dev.koreexporter.simulator.GeneratedTraffic;
import dev.koreexporter.simulator.ServedRecords;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What really happened: the simulator's generated traffic (never what a client read), with the records the
 * bad-records fault broke marked invalid. Calls without an explicit time use the simulator clock's now.
 */
public final class GroundTruth {
    private static final Instant FOREVER = Instant.ofEpochMilli(Long.MAX_VALUE);
    private final GeneratedTraffic traffic;
    private final BrokenRecords broken;

    GroundTruth(GeneratedTraffic traffic, BrokenRecords broken) {
        this.traffic = traffic;
        this.broken = broken;
    }

    public Instant now() {
        return traffic.now();
    }

    /** Every message of the bot created by now, oldest first, visible or not yet. */
    public List<TruthMessage> messages(String botId) {
        return messages(botId, Instant.EPOCH, now(), FOREVER);
    }

    /** Messages with createdOn in [from, to] (inclusive) that the API shows by {@code visibleBy}. */
    public List<TruthMessage> messages(String botId, Instant from, Instant to, Instant visibleBy) {
        return traffic.messages(botId, from, to, visibleBy).stream()
                .map(m -> new TruthMessage(botId, m.message(), m.userId(), m.visibleAt(),
                        broken.defect(ServedRecords.Kind.MESSAGE, m.message().id()), m.developer(), m.segmentDefect()))
                .toList();
    }

    /** Valid bot turns (outgoing voice messages with latency) in [from, to] visible by {@code visibleBy}. */
    public List<TruthMessage> turns(String botId, Instant from, Instant to, Instant visibleBy) {
        return messages(botId, from, to, visibleBy).stream().filter(m -> m.valid() && m.turn()).toList();
    }

    /** Sessions started by now, each as it stands now. */
    public List<TruthSession> sessions(String botId) {
        return sessions(botId, now());
    }

    /** Sessions started by {@code asOf}, each as it stood then, oldest start first. */
    public List<TruthSession> sessions(String botId, Instant asOf) {
        return traffic.sessions(botId, asOf).stream()
                .map(s -> new TruthSession(botId, s.session(), s.userId(), s.visibleActiveAt(), s.visibleClosedAt(),
                        broken.defect(ServedRecords.Kind.SESSION, s.session().id()), s.developer(), s.endBeforeStart()))
                .toList();
    }

    /** Agent AI conversations started by now, visible or not yet, oldest first. */
    public List<TruthConversation> conversations(String botId) {
        return conversations(botId, Instant.EPOCH, now(), FOREVER);
    }

    /** Agent AI conversations with startTime in [from, to] visible by {@code visibleBy}. */
    public List<TruthConversation> conversations(String botId, Instant from, Instant to, Instant visibleBy) {
        return traffic.conversations(botId, from, to, visibleBy).stream()
                .map(c -> new TruthConversation(botId, c.conversation(), c.sessionId(), c.visibleAt(),
                        broken.defect(ServedRecords.Kind.CONVERSATION, c.conversation().id())))
                .toList();
    }

    /**
     * Counts of everything that happened by now. The {@code counted*} ones are what a correct reader with
     * the default filters counts of them: no invalid or developer records, no session with its end before its
     * start, turn latencies only where {@code totalMs} is valid.
     */
    public record Summary(String botId, String name, long messages, long turns, long invalidMessages,
                          long sessionsActive, long sessionsClosed, Map<String, Long> closedByContainment,
                          long conversations, long developerMessages, long developerSessions,
                          long badSegmentMessages, long endBeforeStartSessions, long countedMessages,
                          long countedTurns, long countedSessionsClosed, Map<String, Long> countedClosedByContainment) {
    }

    public Summary summary(String botId) {
        List<TruthMessage> messages = messages(botId);
        List<TruthSession> sessions = sessions(botId);
        Map<String, Long> byContainment = new TreeMap<>();
        sessions.stream().filter(s -> s.session().closed())
                .forEach(s -> byContainment.merge(s.session().containment().wireName(), 1L, Long::sum));
        long closed = byContainment.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> countedByContainment = new TreeMap<>();
        sessions.stream().filter(s -> s.session().closed() && s.counted(false))
                .forEach(s -> countedByContainment.merge(s.session().containment().wireName(), 1L, Long::sum));
        return new Summary(botId, name(botId), messages.size(),
                messages.stream().filter(m -> m.valid() && m.turn()).count(),
                messages.stream().filter(m -> !m.valid()).count(),
                sessions.size() - closed, closed, byContainment, conversations(botId).size(),
                messages.stream().filter(TruthMessage::developer).count(),
                sessions.stream().filter(TruthSession::developer).count(),
                messages.stream().filter(m -> m.segmentDefect() != null).count(),
                sessions.stream().filter(TruthSession::endBeforeStart).count(),
                messages.stream().filter(m -> m.counted(false)).count(),
                messages.stream().filter(m -> m.counted(false) && m.observedTurn()).count(),
                countedByContainment.values().stream().mapToLong(Long::longValue).sum(), countedByContainment);
    }

    private String name(String botId) {
        return traffic.options().bots().stream().filter(b -> b.botId().equals(botId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown bot id " + botId)).name();
    }
}
