package dev.koreexporter.simulator;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What really happened, straight from the generator's data (never from what a client read). Calls without
 * an explicit time use the simulator clock's now.
 */
public final class GroundTruth {
    private static final Instant FOREVER = Instant.ofEpochMilli(Long.MAX_VALUE);
    private final Map<String, BotTraffic> traffic;
    private final InstantSource clock;

    GroundTruth(Map<String, BotTraffic> traffic, InstantSource clock) {
        this.traffic = traffic;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Every message of the bot created by now, oldest first, visible or not yet. */
    public List<TruthMessage> messages(String botId) {
        return messages(botId, Instant.EPOCH, now(), FOREVER);
    }

    /** Messages with createdOn in [from, to] (inclusive) that the API shows by {@code visibleBy}. */
    public List<TruthMessage> messages(String botId, Instant from, Instant to, Instant visibleBy) {
        BotTraffic t = bot(botId);
        long until = ms(visibleBy);
        return t.allMessages(ms(from), ms(to), horizon(until, ms(to))).stream()
                .filter(m -> m.visibleAt <= until)
                .map(m -> new TruthMessage(botId, m.toModel(), m.session.userId, Instant.ofEpochMilli(m.visibleAt), m.defect,
                        m.developer(), m.segmentDefect))
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
        long t = ms(asOf);
        BotTraffic b = bot(botId);
        List<SimSession> all = b.sessions(Long.MIN_VALUE, t, horizon(t, t), s -> true, 0, Integer.MAX_VALUE).items();
        return all.reversed().stream()
                .map(s -> new TruthSession(botId, s.toModel(t), s.userId, Instant.ofEpochMilli(s.visibleActiveAt),
                        Instant.ofEpochMilli(s.visibleClosedAt), s.defect, s.developer != 0, s.endBeforeStart))
                .toList();
    }

    /** Agent AI conversations started by now, visible or not yet, oldest first. */
    public List<TruthConversation> conversations(String botId) {
        return conversations(botId, Instant.EPOCH, now(), FOREVER);
    }

    /** Agent AI conversations with startTime in [from, to] visible by {@code visibleBy}. */
    public List<TruthConversation> conversations(String botId, Instant from, Instant to, Instant visibleBy) {
        long until = ms(visibleBy);
        return bot(botId).conversations(ms(from), ms(to), horizon(until, ms(to)),
                        c -> c.visibleAt <= until, 0, Integer.MAX_VALUE).items().stream()
                .map(c -> new TruthConversation(botId, c.toModel(), c.session.id, Instant.ofEpochMilli(c.visibleAt), c.defect))
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
        return new Summary(botId, bot(botId).bot.name(), messages.size(),
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

    /** How far to generate: what was asked, but never unboundedly past now (a week covers any skew). */
    private long horizon(long until, long to) {
        return Math.min(Math.min(until, to), now().plus(java.time.Duration.ofDays(7)).toEpochMilli());
    }

    /** Saturating, so Instant.MIN/MAX work as open bounds. */
    private static long ms(Instant t) {
        if (t.isAfter(FOREVER)) {
            return Long.MAX_VALUE;
        }
        return t.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE)) ? Long.MIN_VALUE : t.toEpochMilli();
    }

    private BotTraffic bot(String botId) {
        BotTraffic t = traffic.get(botId);
        if (t == null) {
            throw new IllegalArgumentException("unknown bot id " + botId);
        }
        return t;
    }
}
