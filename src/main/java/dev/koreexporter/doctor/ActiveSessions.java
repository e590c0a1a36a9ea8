package dev.koreexporter.doctor;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * README "How it reads Kore.ai" assumes one getSessions call without containmentType lists active sessions
 * too. When the listing's first page shows none, doctor looks up the sessions of the newest messages by id:
 * an active one whose start lies within what that page covered, but which it left out, shows the
 * assumption does not hold.
 */
final class ActiveSessions {
    private ActiveSessions() {
    }

    /**
     * @param listing the first getSessions page for [from, now]; {@code p} its summary
     * @param byId    the answer of getSessions by id
     * @return how many active sessions the listing should have shown but did not
     */
    static int leftOut(JsonNode listing, PageSummary p, JsonNode byId, Instant from, Instant now) {
        Instant coverFrom = from;
        Instant coverTo = now;
        if (p.more()) {
            // A first page covers the newest starts when newest first, the oldest when oldest first.
            List<Instant> starts = new ArrayList<>();
            listing.path("sessions").forEach(s -> starts.add(instant(s.path("start_time"))));
            starts.removeIf(Objects::isNull);
            Instant min = starts.stream().min(Instant::compareTo).orElse(now);
            Instant max = starts.stream().max(Instant::compareTo).orElse(now);
            coverFrom = p.ascending() == 1 ? from : min;
            coverTo = p.ascending() == -1 ? now : max;
        }
        Set<String> listed = new HashSet<>(p.sessionIds());
        int missing = 0;
        for (JsonNode s : byId.path("sessions")) {
            Instant start = instant(s.path("start_time"));
            if (PageSummary.isActive(s) && start != null && !start.isBefore(coverFrom) && !start.isAfter(coverTo)
                    && !listed.contains(s.path("sessionId").asText())) {
                missing++;
            }
        }
        return missing;
    }

    private static Instant instant(JsonNode n) {
        try {
            return n.isTextual() ? Instant.parse(n.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
