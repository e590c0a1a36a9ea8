package dev.koreexporter.model;

import java.time.Instant;

/**
 * A record one of Kore.ai's listings returns: its id, by which it is de-duplicated, and the time the listing
 * filters and orders it by (a message's {@code createdOn}, a session's {@code start_time}, a conversation's
 * {@code startTime}).
 */
public interface KoreRecord {
    String id();

    Instant time();
}
