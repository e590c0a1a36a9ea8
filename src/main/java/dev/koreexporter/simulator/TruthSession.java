package dev.koreexporter.simulator;

import dev.koreexporter.model.Session;

import java.time.Instant;

/**
 * A session as it stood at the time ground truth was asked about ({@code session.end()} null while it is
 * still running), with when the API starts showing it active and closed.
 */
public record TruthSession(String botId, Session session, String userId, Instant visibleActiveAt,
                           Instant visibleClosedAt, Defect defect) {
    public boolean valid() {
        return defect == null;
    }

    @Override
    public String toString() {
        return "TruthSession[" + botId + " " + session.id() + " " + session.channel() + " start=" + session.start()
                + " end=" + session.end() + " " + session.containment() + " defect=" + defect + "]";
    }
}
