package dev.koreexporter.simulator.lab;

import dev.koreexporter.model.Session;

import java.time.Instant;

/**
 * A session as it stood at the time ground truth was asked about ({@code session.end()} null while it is
 * still running), with when the API starts showing it active and closed.
 */
public record TruthSession(String botId, Session session, String userId, Instant visibleActiveAt,
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

    @Override
    public String toString() {
        return "TruthSession[" + botId + " " + session.id() + " " + session.channel() + " start=" + session.start()
                + " end=" + session.end() + " " + session.containment() + " defect=" + defect
                + (developer ? " developer" : "") + (endBeforeStart ? " endBeforeStart" : "") + "]";
    }
}
