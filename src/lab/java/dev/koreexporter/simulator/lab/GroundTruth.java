package dev.koreexporter.simulator.lab;

import dev.koreexporter.simulator.GeneratedTraffic;
import dev.koreexporter.simulator.ServedRecords;

import java.time.Duration;
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
    /** The default of the exporter's {@code poll.session-horizon}: sessions reported closed later are not counted. */
    public static final Duration DEFAULT_HORIZON = Duration.ofHours(1);
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
                        broken.defect(ServedRecords.Kind.MESSAGE, m.message().id()), m.developer(), m.segmentDefect(),
                        m.afterSessionEnd()))
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
                .map(s -> new TruthSession(botId, s.session(), s.userId(), s.visibleActiveAt(), s.closesAt(),
                        s.visibleClosedAt(), broken.defect(ServedRecords.Kind.SESSION, s.session().id()), s.developer(),
                        s.endBeforeStart()))
                .toList();
    }

    /**
     * Sessions started by {@code asOf} whose closure the API reports within {@code horizon} after their start, each
     * as it stood then: those an exporter with that session horizon must count, each once it is reported closed
     * ({@link TruthSession#reportedClosedBy}).
     */
    public List<TruthSession> sessionsClosingWithin(String botId, Duration horizon, Instant asOf) {
        return sessions(botId, asOf).stream().filter(s -> s.closureReportedWithin(horizon)).toList();
    }

    /**
     * What a correct reader with session horizon {@code horizon} has counted of the sessions by {@code asOf}, once
     * caught up: those reported closed by then within the horizon after their start, not broken, developer traffic
     * only if included.
     */
    public List<TruthSession> countedSessions(String botId, Duration horizon, Instant asOf, boolean includeDeveloper) {
        return sessionsClosingWithin(botId, horizon, asOf).stream()
                .filter(s -> s.reportedClosedBy(asOf) && s.counted(includeDeveloper)).toList();
    }

    /**
     * When the API reports the last closure of the sessions of every bot started by {@code startedBy}: from then on
     * none of them is listed active (sessions close by an inactivity timeout long after they end). Never before
     * {@code startedBy}.
     */
    public Instant lastClosureReported(Instant startedBy) {
        Instant last = startedBy;
        for (var bot : traffic.options().bots()) {
            for (TruthSession s : sessions(bot.botId(), startedBy)) {
                last = s.visibleClosedAt().isAfter(last) ? s.visibleClosedAt() : last;
            }
        }
        return last;
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
     * start, turn latencies only where {@code totalMs} is valid. Sessions are closed once Kore.ai closed them
     * ({@code sessionsClosed}) and reported closed once the API shows them closed ({@code sessionsReportedClosed});
     * {@code countedWithinHorizon} are those a reader with session horizon {@code horizon} (ISO-8601) has counted by now
     * ({@link #countedSessions}). {@code messagesAfterSessionEnd} were created after their session's {@code end_time}.
     */
    public record Summary(String botId, String name, long messages, long turns, long invalidMessages,
                          long sessionsActive, long sessionsClosed, Map<String, Long> closedByContainment,
                          long conversations, long developerMessages, long developerSessions,
                          long badSegmentMessages, long endBeforeStartSessions, long countedMessages,
                          long countedTurns, long countedSessionsClosed, Map<String, Long> countedClosedByContainment,
                          long messagesAfterSessionEnd, long sessionsReportedClosed, String horizon,
                          long countedWithinHorizon, Map<String, Long> countedWithinHorizonByContainment) {
    }

    /** {@link #summary(String, Duration)} with the exporter's default session horizon. */
    public Summary summary(String botId) {
        return summary(botId, DEFAULT_HORIZON);
    }

    public Summary summary(String botId, Duration horizon) {
        List<TruthMessage> messages = messages(botId);
        List<TruthSession> sessions = sessions(botId);
        Map<String, Long> byContainment = new TreeMap<>();
        sessions.stream().filter(s -> s.session().closed())
                .forEach(s -> byContainment.merge(s.session().containment().wireName(), 1L, Long::sum));
        long closed = byContainment.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> countedByContainment = new TreeMap<>();
        sessions.stream().filter(s -> s.session().closed() && s.counted(false))
                .forEach(s -> countedByContainment.merge(s.session().containment().wireName(), 1L, Long::sum));
        Instant now = now();
        Map<String, Long> withinHorizon = new TreeMap<>();
        countedSessions(botId, horizon, now, false)
                .forEach(s -> withinHorizon.merge(s.session().containment().wireName(), 1L, Long::sum));
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
                countedByContainment.values().stream().mapToLong(Long::longValue).sum(), countedByContainment,
                messages.stream().filter(TruthMessage::afterSessionEnd).count(),
                sessions.stream().filter(s -> s.reportedClosedBy(now)).count(), horizon.toString(),
                withinHorizon.values().stream().mapToLong(Long::longValue).sum(), withinHorizon);
    }

    private String name(String botId) {
        return traffic.options().bots().stream().filter(b -> b.botId().equals(botId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown bot id " + botId)).name();
    }
}
