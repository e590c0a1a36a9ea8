package dev.koreexporter.poll;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Ids already counted, with the time of their record. Pruned to the ids a future window can still return,
 * so its size follows the lookback horizon, not history. Not thread-safe: guarded by the poller's lock.
 */
final class SeenIds {
    private final HashMap<String, Long> ids = new HashMap<>();

    SeenIds() {
    }

    SeenIds(Map<String, Long> restored) {
        ids.putAll(restored);
    }

    /** Remembers the id; false when it was already there. */
    boolean add(String id, Instant recordTime) {
        return ids.putIfAbsent(id, recordTime.toEpochMilli()) == null;
    }

    boolean contains(String id) {
        return ids.containsKey(id);
    }

    void pruneBefore(Instant horizon) {
        long h = horizon.toEpochMilli();
        ids.values().removeIf(t -> t < h);
    }

    int size() {
        return ids.size();
    }

    Map<String, Long> snapshot() {
        return Map.copyOf(ids);
    }
}
