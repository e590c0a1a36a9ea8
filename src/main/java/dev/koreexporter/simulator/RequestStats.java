package dev.koreexporter.simulator;

import dev.koreexporter.kore.Endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request each bot received, by arrival time on the simulator's clock, with the exact maximum number
 * of requests in any sliding 60 s and 3600 s window. A window is half-open: the requests at t and those
 * less than 60 s (3600 s) before t.
 */
public final class RequestStats {
    private static final long MINUTE_MS = 60_000;
    private static final long HOUR_MS = 3_600_000;

    private final Map<String, BotLog> logs = new ConcurrentHashMap<>();

    /** What a bot received so far. Maps are keyed by endpoint label and HTTP status. */
    public record BotStats(String botId, long total, Map<String, Long> byEndpoint, Map<Integer, Long> byStatus,
                           Map<String, Map<Integer, Long>> byEndpointAndStatus, long throttled,
                           int maxPerMinute, int maxPerHour) {
    }

    /** Requests in the trailing windows, this one included, right after it arrived. */
    record Window(int lastMinute, int lastHour, Duration untilMinuteSlot, Duration untilHourSlot) {
    }

    public BotStats bot(String botId) {
        BotLog log = logs.get(botId);
        return log == null
                ? new BotStats(botId, 0, Map.of(), Map.of(), Map.of(), 0, 0, 0)
                : log.snapshot(botId);
    }

    public Map<String, BotStats> all() {
        Map<String, BotStats> out = new TreeMap<>();
        logs.keySet().forEach(id -> out.put(id, bot(id)));
        return out;
    }

    Window arrived(String botId, Endpoint endpoint, Instant at) {
        return logs.computeIfAbsent(botId, id -> new BotLog()).arrived(endpoint, at.toEpochMilli());
    }

    void completed(String botId, Endpoint endpoint, int status) {
        logs.computeIfAbsent(botId, id -> new BotLog()).completed(endpoint, status);
    }

    private static final class BotLog {
        private final ArrayDeque<Long> minute = new ArrayDeque<>();
        private final ArrayDeque<Long> hour = new ArrayDeque<>();
        private final Map<String, Long> byEndpoint = new TreeMap<>();
        private final Map<String, Map<Integer, Long>> byEndpointAndStatus = new TreeMap<>();
        private long total;
        private int maxMinute;
        private int maxHour;

        synchronized Window arrived(Endpoint endpoint, long t) {
            total++;
            byEndpoint.merge(endpoint.label(), 1L, Long::sum);
            // A clock may step back (a test sets it); keep the deques ordered so the windows stay exact.
            long at = Math.max(t, hour.isEmpty() ? t : hour.peekLast());
            push(minute, at, MINUTE_MS);
            push(hour, at, HOUR_MS);
            maxMinute = Math.max(maxMinute, minute.size());
            maxHour = Math.max(maxHour, hour.size());
            return new Window(minute.size(), hour.size(),
                    Duration.ofMillis(minute.peekFirst() + MINUTE_MS - at),
                    Duration.ofMillis(hour.peekFirst() + HOUR_MS - at));
        }

        private static void push(ArrayDeque<Long> q, long t, long width) {
            q.addLast(t);
            while (q.peekFirst() <= t - width) {
                q.pollFirst();
            }
        }

        synchronized void completed(Endpoint endpoint, int status) {
            byEndpointAndStatus.computeIfAbsent(endpoint.label(), e -> new TreeMap<>()).merge(status, 1L, Long::sum);
        }

        synchronized BotStats snapshot(String botId) {
            Map<Integer, Long> byStatus = new TreeMap<>();
            Map<String, Map<Integer, Long>> copy = new TreeMap<>();
            byEndpointAndStatus.forEach((ep, m) -> {
                copy.put(ep, Map.copyOf(m));
                m.forEach((s, n) -> byStatus.merge(s, n, Long::sum));
            });
            return new BotStats(botId, total, Map.copyOf(byEndpoint), Map.copyOf(byStatus), Map.copyOf(copy),
                    byStatus.getOrDefault(429, 0L), maxMinute, maxHour);
        }
    }
}
