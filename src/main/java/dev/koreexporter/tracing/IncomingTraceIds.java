package dev.koreexporter.tracing;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kore.ai's {@code traceId} of the user messages of open sessions, so that a turn span can name the one of the
 * message it answers: the session's latest incoming message created no later than the turn (README "Tracing"),
 * with or without a traceId (an expired one means none, not an older message's).
 * A few per session, not just the last one, because a page can hold a user's next message before the turn that
 * answered the previous one (late data). Bounded: sessions evicted oldest first, entries oldest first.
 */
final class IncomingTraceIds {
    /*
     * Not forgotten when a session closes: its last turns can be read after the close (late data). About 100
     * bytes an entry, so at most ~2 MB.
     */
    static final int MAX_SESSIONS = 5_000;
    static final int PER_SESSION = 4;

    private record Incoming(Instant at, String traceId) {
    }

    private final Map<String, ArrayDeque<Incoming>> bySession = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Incoming>> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    synchronized void incoming(String botId, String sessionId, Instant at, String traceId) {
        ArrayDeque<Incoming> list = bySession.computeIfAbsent(key(botId, sessionId), k -> new ArrayDeque<>(2));
        // Kept oldest first; messages mostly come in order, so this is mostly an append.
        if (list.isEmpty() || !list.getLast().at().isAfter(at)) {
            list.addLast(new Incoming(at, traceId));
            if (list.size() > PER_SESSION) {
                list.removeFirst();
            }
            return;
        }
        ArrayDeque<Incoming> sorted = new ArrayDeque<>(list.size() + 1);
        boolean placed = false;
        for (Iterator<Incoming> it = list.descendingIterator(); it.hasNext(); ) {
            Incoming i = it.next();
            if (!placed && !i.at().isAfter(at)) {
                sorted.addFirst(new Incoming(at, traceId));
                placed = true;
            }
            sorted.addFirst(i);
        }
        if (!placed) {
            sorted.addFirst(new Incoming(at, traceId));
        }
        while (sorted.size() > PER_SESSION) {
            sorted.removeFirst();
        }
        list.clear();
        list.addAll(sorted);
    }

    /** The traceId of the session's latest incoming message created at or before {@code turnAt}, or null. */
    synchronized String answeredBy(String botId, String sessionId, Instant turnAt) {
        ArrayDeque<Incoming> list = bySession.get(key(botId, sessionId));
        if (list == null) {
            return null;
        }
        for (Iterator<Incoming> it = list.descendingIterator(); it.hasNext(); ) {
            Incoming i = it.next();
            if (!i.at().isAfter(turnAt)) {
                return i.traceId();
            }
        }
        return null;
    }

    private static String key(String botId, String sessionId) {
        return botId + "\n" + sessionId;
    }
}
