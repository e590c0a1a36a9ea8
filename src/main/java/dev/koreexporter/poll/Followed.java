package dev.koreexporter.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records followed until they are final (active sessions, until they close), by id with their time in epoch
 * millis, as the checkpoint keeps them ({@code activeSessions}). Part of a bot's {@link BotLedger}: not
 * thread-safe, guarded by the ledger's lock.
 */
final class Followed {
    /** A record still not final a day after its time is not followed any longer. */
    private static final Duration MAX_FOLLOW = Duration.ofDays(1);

    private final Map<String, Long> times = new HashMap<>();

    Followed(Map<String, Long> restored) {
        times.putAll(restored);
    }

    /** Follows the record; false when it was followed already. */
    boolean follow(String id, Instant time) {
        return times.putIfAbsent(id, time.toEpochMilli()) == null;
    }

    void unfollow(String id) {
        times.remove(id);
    }

    void unfollow(Collection<String> ids) {
        times.keySet().removeAll(ids);
    }

    /** The records a window from {@code windowStart} no longer covers: they must be looked up by id. */
    List<String> due(Instant windowStart) {
        long from = windowStart.toEpochMilli();
        long tooOld = windowStart.minus(MAX_FOLLOW).toEpochMilli();
        times.values().removeIf(time -> time < tooOld);
        List<String> ids = new ArrayList<>();
        times.forEach((id, time) -> {
            if (time < from) {
                ids.add(id);
            }
        });
        return ids;
    }

    Map<String, Long> snapshot() {
        return Map.copyOf(times);
    }
}
