package dev.koreexporter.simulator;

import dev.koreexporter.model.Containment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** {@code POST /api/public/bot/{botId}/getSessions[?containmentType=...]}. */
final class SessionsEndpoint {
    private static final int MAX_IDS = 50;

    private SessionsEndpoint() {
    }

    static Answer handle(ApiCall c) {
        List<String> ids = c.strings("sessionId");
        if (ids != null) {
            return byIds(c, ids);
        }
        String ct = c.request().query().first("containmentType").orElse("");
        Containment containment = ct.isBlank() ? null
                : Containment.fromWire(ct).orElseThrow(() -> new ApiError(400, "Invalid containmentType"));
        DateWindow w = DateWindow.parse(c.body(), "dateFrom", "dateTo", Instant.ofEpochMilli(c.now()));
        String sessionType = c.text("sessionType");
        if (sessionType != null && !Set.of("interactive", "non-interactive").contains(sessionType)) {
            throw new ApiError(400, "Invalid sessionType");
        }
        String userId = c.text("userId");
        long now = c.now();
        boolean closedOnly = !c.serving().activeSessionsListed();
        Predicate<SimSession> filter = s -> {
            int state = s.visibleState(now);
            boolean shown = containment == null ? state > (closedOnly ? 1 : 0)
                    : state == 2 && s.containment == containment;
            return shown && (sessionType == null || sessionType.equals(s.sessionType()))
                    && (userId == null || userId.equals(s.userId));
        };
        int skip = c.skip();
        int limit = c.limit(c.options().sessionsPageCap(), c.options().sessionsPageCap());
        Slice<SimSession> slice = c.traffic().sessions(w.fromMs(), w.toMs(), now, filter, skip, limit);
        List<SimSession> served = c.served(slice.items());
        return new Answer(write(served, slice.total(), skip + served.size() < slice.total(), now, null),
                ServedList.sessions(served));
    }

    private static Answer byIds(ApiCall c, List<String> ids) {
        if (ids.size() > MAX_IDS) {
            throw new ApiError(400, "sessionId can have a maximum of " + MAX_IDS + " session IDs");
        }
        List<SimSession> found = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String id : ApiCall.distinct(ids)) {
            SimSession s = c.traffic().session(id, c.now());
            if (s != null && s.visibleState(c.now()) > 0) {
                found.add(s);
            } else {
                invalid.add(id);
            }
        }
        return new Answer(write(found, found.size(), false, c.now(), invalid), ServedList.sessions(found));
    }

    private static byte[] write(List<SimSession> sessions, int total, boolean more, long now, List<String> invalid) {
        return ResponseSender.json(g -> {
            g.writeStartObject();
            g.writeNumberField("total", total);
            g.writeBooleanField("moreAvailable", more);
            g.writeArrayFieldStart("sessions");
            for (SimSession s : sessions) {
                WireWriter.session(g, s, s.visibleState(now) == 2, now);
            }
            g.writeEndArray();
            if (invalid != null) {
                g.writeArrayFieldStart("invalidSessions");
                for (String id : invalid) {
                    g.writeString(id);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }
}
