package dev.koreexporter.poll;

import java.util.List;
import java.util.Map;

/**
 * What a bot's poller must remember across restarts, times as epoch millis: the first-start floor (older
 * records are never counted), the end of the last window read completely per stream, the ids counted
 * inside the lookback horizon, the active sessions being followed (id to start) and the recently closed
 * sessions behind kore_containment_ratio. Counted ids are kept as hash/time pairs per stream
 * ({@code seenHashes}, since version 2); {@code seen} (id to time) is still read from version 1 files.
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

    public Checkpoint {
        watermarks = Map.copyOf(watermarks);
        seen = seen == null ? Map.of() : Map.copyOf(seen);
        seenHashes = seenHashes == null ? Map.of() : Map.copyOf(seenHashes);
        activeSessions = Map.copyOf(activeSessions);
        closedSessions = List.copyOf(closedSessions);
    }
}
