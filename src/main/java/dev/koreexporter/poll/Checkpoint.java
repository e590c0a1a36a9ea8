package dev.koreexporter.poll;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a bot's poller must remember across restarts, times as epoch millis: the first-start floor (older
 * records are never counted), the end of the last window read completely per stream, the ids counted
 * inside the lookback horizon, the active sessions being followed (id to start) and the recently closed
 * sessions behind kore_containment_ratio. Counted ids are kept as hash/time pairs per stream
 * ({@code seenHashes}, since version 2); {@code seen} (id to time) is still read from version 1 files.
 *
 * <p>The end of each stream's last sweep (stream key to time; see {@link SweepPlanner}) is kept in {@code seen}
 * under the key {@link #SWEEP_ENDS}, not in a field of its own: 0.2.0 rejects unknown fields and would start
 * afresh, while it reads this entry as the ids of a stream it does not have and writes it back hashed in
 * {@code seenHashes}, where it is ignored (README, "How it reads Kore.ai": 0.2.0 and 0.3.0 read each other's
 * checkpoints). Files without it are read as before.
 */
public record Checkpoint(int version,
                         String botId,
                         long floor,
                         Map<String, Long> watermarks,
                         Map<String, Map<String, Long>> seen,
                         Map<String, Long> activeSessions,
                         List<ContainmentWindow.Entry> closedSessions,
                         Map<String, long[]> seenHashes) {
    static final int VERSION = 2;
    /** Not a stream key: those are {@code sessions}, {@code conversations} and {@code messages:<channel>}. */
    static final String SWEEP_ENDS = "sweepEnds";

    public Checkpoint {
        watermarks = Map.copyOf(watermarks);
        seen = seen == null ? Map.of() : Map.copyOf(seen);
        seenHashes = seenHashes == null ? Map.of() : Map.copyOf(seenHashes);
        activeSessions = Map.copyOf(activeSessions);
        closedSessions = List.copyOf(closedSessions);
    }

    /** The ids counted per stream key, from either version. */
    Map<String, SeenIds> seenIds() {
        Map<String, SeenIds> ids = new HashMap<>();
        seen.forEach((key, v) -> {
            if (!key.equals(SWEEP_ENDS)) {
                ids.put(key, SeenIds.ofIds(v));
            }
        });
        seenHashes.forEach((key, v) -> {
            if (!key.equals(SWEEP_ENDS)) { // 0.2.0 writes the entry back hashed: nothing to use
                ids.put(key, SeenIds.ofPairs(v));
            }
        });
        return ids;
    }

    /** The end of each stream's last sweep, by stream key; empty in files without it. */
    Map<String, Long> sweepEnds() {
        return seen.getOrDefault(SWEEP_ENDS, Map.of());
    }
}
