package dev.koreexporter.doctor;

import dev.koreexporter.model.Session;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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
     * @param listed the sessions of the first getSessions page for [from, now]; {@code p} its summary
     * @param byId   the sessions getSessions by id found
     * @return how many active sessions the listing should have shown but did not
     */
    static int leftOut(List<Session> listed, PageSummary p, List<Session> byId, Instant from, Instant now) {
        Instant coverFrom = from;
        Instant coverTo = now;
        if (p.more()) {
            // A first page covers the newest starts when newest first, the oldest when oldest first.
            Instant min = listed.stream().map(Session::start).min(Instant::compareTo).orElse(now);
            Instant max = listed.stream().map(Session::start).max(Instant::compareTo).orElse(now);
            coverFrom = p.ascending() == 1 ? from : min;
            coverTo = p.ascending() == -1 ? now : max;
        }
        Set<String> ids = listed.stream().map(Session::id).collect(Collectors.toSet());
        Instant first = coverFrom;
        Instant last = coverTo;
        return (int) byId.stream().filter(s -> s.active() && !s.start().isBefore(first) && !s.start().isAfter(last)
                && !ids.contains(s.id())).count();
    }
}
