package dev.koreexporter.doctor;

import dev.koreexporter.kore.dto.WirePage;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one listing page shows: how many records it holds and how many the server says match, whether it is
 * capped below the limit asked, whether its records come in time order, and (messages) their latency,
 * channels and sessions, (sessions) how many are active.
 *
 * @param received   records on the page
 * @param matching   the server's {@code total}/{@code totalResults}, or -1 when it sent none
 * @param more       {@code moreAvailable}/{@code hasMore}
 * @param limit      the page size asked for
 * @param ascending  records oldest first (1), newest first (-1), neither (0); 1 for fewer than two distinct times
 * @param sessionIds the sessions of a messages page, newest first
 */
record PageSummary(int received, long matching, boolean more, int limit, int ascending, int outgoing,
                   int withLatency, int active, Set<String> channels, List<String> sessionIds) {

    /** The summary of any listing's page; messages and sessions add what only they have. */
    static PageSummary of(WirePage<? extends KoreRecord> page, int limit) {
        int outgoing = 0;
        int latency = 0;
        int active = 0;
        Set<String> channels = new LinkedHashSet<>();
        Set<String> sessions = new LinkedHashSet<>();
        for (KoreRecord r : page.page().records()) {
            if (r instanceof Message m) {
                if (m.direction() == Direction.OUTGOING) {
                    outgoing++;
                    latency += m.latency() != null ? 1 : 0;
                }
                channels.add(m.channel());
                if (m.sessionId() != null) {
                    sessions.add(m.sessionId());
                }
            } else if (r instanceof Session s && s.active()) {
                active++;
            }
        }
        return new PageSummary(page.page().received(), page.total(), page.more(), limit, order(page), outgoing,
                latency, active, channels, List.copyOf(sessions).reversed());
    }

    /** Served fewer than asked while saying more follow: the server caps pages below the documented size. */
    boolean capped() {
        return more && received < limit;
    }

    /** How many match, as the server says, else at least what was seen. */
    long count() {
        return matching >= 0 ? matching : received;
    }

    /** "744" or "at least 100" when the server gave no total and more follow. */
    String countText() {
        return matching < 0 && more ? "at least " + received : Long.toString(count());
    }

    private static int order(WirePage<? extends KoreRecord> page) {
        boolean up = false;
        boolean down = false;
        Instant previous = null;
        for (KoreRecord r : page.page().records()) {
            if (previous != null) {
                up |= r.time().isAfter(previous);
                down |= r.time().isBefore(previous);
            }
            previous = r.time();
        }
        return up && down ? 0 : down ? -1 : 1;
    }
}
