package dev.koreexporter.poll;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * checkpoints). Files without it are read as before. The reads under way ({@link #READS}) and the page hints
 * ({@link #PAGE_HINTS}) are kept the same way, for the same reason; 0.3.0 reads such a file and resumes from the
 * watermarks (re-reading the window under way from its start); it writes these entries back hashed in
 * {@code seenHashes}, where this version ignores them. A further optional part can be added the same way: an entry
 * of {@code seen} of its own, numbers by name (a double as its bits, {@link Double#doubleToLongBits}).
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
    /** The reads under way and how far each got ({@link Progress}); not a stream key either. */
    static final String READS = "readsUnderWay";
    /** What the client learnt of where records lie in its listings (Agent AI's page cursors). */
    static final String PAGE_HINTS = "pageHints";
    /** The entries of {@code seen} that hold no ids: older versions read and write them back as a stream's ids. */
    private static final Set<String> NOT_IDS = Set.of(SWEEP_ENDS, READS, PAGE_HINTS);

    public Checkpoint {
        watermarks = Map.copyOf(watermarks);
        seen = seen == null ? Map.of() : Map.copyOf(seen);
        seenHashes = seenHashes == null ? Map.of() : Map.copyOf(seenHashes);
        activeSessions = Map.copyOf(activeSessions);
        closedSessions = List.copyOf(closedSessions);
    }

    /** The {@code seen} entries that hold no ids, each left out while empty. */
    static Map<String, Map<String, Long>> notIds(Map<String, Long> sweepEnds, Map<String, Long> reads,
                                                 Map<String, Long> pageHints) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        Map.of(SWEEP_ENDS, sweepEnds, READS, reads, PAGE_HINTS, pageHints).forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The ids counted per stream key, from either version. */
    Map<String, SeenIds> seenIds() {
        Map<String, SeenIds> ids = new HashMap<>();
        seen.forEach((key, v) -> {
            if (!NOT_IDS.contains(key)) {
                ids.put(key, SeenIds.ofIds(v));
            }
        });
        seenHashes.forEach((key, v) -> {
            if (!NOT_IDS.contains(key)) { // 0.2.0 and 0.3.0 write these entries back hashed: nothing to use
                ids.put(key, SeenIds.ofPairs(v));
            }
        });
        return ids;
    }

    /** The end of each stream's last sweep, by stream key; empty in files without it. */
    Map<String, Long> sweepEnds() {
        return seen.getOrDefault(SWEEP_ENDS, Map.of());
    }

    /** The reads under way ({@link Progress}); empty in files without them. */
    Map<String, Long> reads() {
        return seen.getOrDefault(READS, Map.of());
    }

    /** What the client learnt of its listings' pages; empty in files without it. */
    Map<String, Long> pageHints() {
        return seen.getOrDefault(PAGE_HINTS, Map.of());
    }
}
