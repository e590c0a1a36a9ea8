package dev.koreexporter.simulator.lab;

import dev.koreexporter.model.Session;

import java.time.Duration;
import java.time.Instant;

/**
 * A session as it stood at the time ground truth was asked about ({@code session.end()} null while it is
 * still running), with when Kore.ai closes it ({@code closesAt}: its {@code end_time}, or its inactivity close
 * after it) and when the API starts showing it active and closed ({@code visibleClosedAt}: when its closure is
 * reported, with its containment). The close is known from the start, so a session still running says when it
 * will be reported closed.
 */
public record TruthSession(String botId, Session session, String userId, Instant visibleActiveAt, Instant closesAt,
                           Instant visibleClosedAt, Defect defect, boolean developer, boolean endBeforeStart) {
    public boolean valid() {
        return defect == null;
    }

    /**
     * Whether a correct reader counts it once closed: not broken by a fault and, once closed, not shown
     * with an {@code end_time} before its {@code start_time} (that is rejected as a bad value).
     */
    public boolean countable() {
        return valid() && !endBeforeStart;
    }

    /** {@link #countable()}, and not developer traffic unless developer traffic is included. */
    public boolean counted(boolean includeDeveloper) {
        return countable() && (includeDeveloper || !developer);
    }

    /** How long after its {@code start_time} the API reports it closed. */
    public Duration closureReportedAfterStart() {
        return Duration.between(session.start(), visibleClosedAt);
    }

    /** Whether its closure is reported within {@code horizon} after its start (the exporter's session horizon). */
    public boolean closureReportedWithin(Duration horizon) {
        return closureReportedAfterStart().compareTo(horizon) <= 0;
    }

    /** Whether the API shows it closed at {@code t}. */
    public boolean reportedClosedBy(Instant t) {
        return !visibleClosedAt.isAfter(t);
    }

    @Override
    public String toString() {
        return "TruthSession[" + botId + " " + session.id() + " " + session.channel() + " start=" + session.start()
                + " end=" + session.end() + " closesAt=" + closesAt + " visibleClosedAt=" + visibleClosedAt + " "
                + session.containment() + " defect=" + defect + (developer ? " developer" : "")
                + (endBeforeStart ? " endBeforeStart" : "") + "]";
    }
}
