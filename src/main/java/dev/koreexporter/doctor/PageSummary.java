package dev.koreexporter.doctor;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one listing page shows: how many records it holds and how many the server says match, whether it is
 * capped below the limit asked, whether its records come in time order, and (messages) their latency,
 * channels and sessions.
 *
 * @param received   records on the page
 * @param matching   the server's {@code total}/{@code totalResults}, or -1 when it sent none
 * @param more       {@code moreAvailable}/{@code hasMore}
 * @param limit      the page size asked for
 * @param ascending  records oldest first (1), newest first (-1), neither (0); 1 for fewer than two distinct times
 */
record PageSummary(int received, long matching, boolean more, int limit, int ascending, int outgoing,
                   int withLatency, int active, Set<String> channels, List<String> sessionIds) {

    static PageSummary messages(JsonNode root, int limit) {
        JsonNode array = root.path("messages");
        int outgoing = 0;
        int latency = 0;
        Set<String> channels = new LinkedHashSet<>();
        Set<String> sessions = new LinkedHashSet<>();
        List<Instant> times = new ArrayList<>();
        for (JsonNode m : array) {
            if ("outgoing".equals(m.path("type").asText())) {
                outgoing++;
                latency += m.path("latency").isObject() ? 1 : 0;
            }
            String channel = m.path("chnl").asText(m.path("channels").path(0).path("type").asText(""));
            if (!channel.isEmpty()) {
                channels.add(channel);
            }
            if (m.path("sessionId").isTextual()) {
                sessions.add(m.path("sessionId").asText());
            }
            times.add(time(m.path("createdOn")));
        }
        return new PageSummary(array.size(), number(root.path("total")), flag(root.path("moreAvailable")), limit,
                order(times), outgoing, latency, 0, channels, List.copyOf(sessions).reversed());
    }

    static PageSummary sessions(JsonNode root, int limit) {
        JsonNode array = root.path("sessions");
        int active = 0;
        List<Instant> times = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode s : array) {
            active += isActive(s) ? 1 : 0;
            times.add(time(s.path("start_time")));
            ids.add(s.path("sessionId").asText(""));
        }
        return new PageSummary(array.size(), number(root.path("total")), flag(root.path("moreAvailable")), limit,
                order(times), 0, 0, active, Set.of(), ids);
    }

    static PageSummary conversations(JsonNode root, int limit) {
        JsonNode array = root.path("results");
        List<Instant> times = new ArrayList<>();
        for (JsonNode c : array) {
            times.add(time(c.path("startTime")));
        }
        return new PageSummary(array.size(), number(root.path("totalResults")), flag(root.path("hasMore")), limit,
                order(times), 0, 0, 0, Set.of(), List.of());
    }

    static boolean isActive(JsonNode session) {
        return "active".equalsIgnoreCase(session.path("sessionStatus").asText())
                || !session.hasNonNull("end_time") && !session.hasNonNull("containmentType");
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

    private static long number(JsonNode n) {
        return n.isNumber() ? n.asLong() : -1;
    }

    private static boolean flag(JsonNode n) {
        return n.isBoolean() ? n.booleanValue() : "true".equalsIgnoreCase(n.asText());
    }

    private static Instant time(JsonNode n) {
        try {
            return n.isTextual() ? Instant.parse(n.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int order(List<Instant> times) {
        boolean up = false;
        boolean down = false;
        Instant previous = null;
        for (Instant t : times) {
            if (t == null) {
                continue;
            }
            if (previous != null) {
                up |= t.isAfter(previous);
                down |= t.isBefore(previous);
            }
            previous = t;
        }
        return up && down ? 0 : down ? -1 : 1;
    }
}
