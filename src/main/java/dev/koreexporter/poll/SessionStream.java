package dev.koreexporter.poll;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.model.TimeWindow;

import java.util.List;

/**
 * getSessions by start time. A session is counted once it is closed; an active one is followed, and looked up
 * by id once the window no longer covers it (when the planner says follow-ups are due).
 */
record SessionStream(KoreApi api) implements Stream {
    static final String KEY = "sessions";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public int pageSize() {
        return Endpoint.GET_SESSIONS.pageSize();
    }

    @Override
    public int read(TimeWindow window, boolean followUps, RecordCounter counter) {
        int received = counter.count(api.sessions(window), s -> {
            if (window.contains(s.start())) {
                counter.session(s);
            }
        });
        List<String> followed = followUps && !counter.stopped()
                ? counter.sessionsToLookUp(window.from()) : List.of();
        if (!followed.isEmpty()) {
            for (KoreApi.SessionLookup found : api.sessionsById(followed)) {
                boolean counted = counter.page(found.page(), () -> {
                    found.sessions().forEach(counter::session);
                    counter.unfollow(found.invalidIds());
                });
                if (!counted) {
                    break;
                }
            }
        }
        return received;
    }
}
