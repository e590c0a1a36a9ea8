package dev.koreexporter.simulator;

import dev.koreexporter.model.Session;

import java.time.Instant;

/**
 * A session as it stood at a given time ({@code session.end()} null while it was still running), with when
 * Kore.ai closes it ({@code closesAt}: its {@code end_time}, or its inactivity close after it) and when the API
 * starts showing it active and closed.
 */
public record GeneratedSession(String botId, Session session, String userId, Instant visibleActiveAt,
                               Instant closesAt, Instant visibleClosedAt, boolean developer, boolean endBeforeStart) {
}
