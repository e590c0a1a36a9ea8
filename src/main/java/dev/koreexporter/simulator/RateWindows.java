package dev.koreexporter.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every bot's requests in the trailing 60 s and hour, exactly, as Kore.ai's sliding rate limits count them. A
 * window is half-open: the requests at t and those less than 60 s (3600 s) before t.
 */
final class RateWindows {
    private static final long MINUTE_MS = 60_000;
    private static final long HOUR_MS = 3_600_000;

    private final Map<String, BotLog> logs = new ConcurrentHashMap<>();

    /** Requests in the trailing windows, this one included, right after it arrived. */
    record Window(int lastMinute, int lastHour, Duration untilMinuteSlot, Duration untilHourSlot) {
    }

    Window arrived(String botId, Instant at) {
        return logs.computeIfAbsent(botId, id -> new BotLog()).arrived(at.toEpochMilli());
    }

    private static final class BotLog {
        private final ArrayDeque<Long> minute = new ArrayDeque<>();
        private final ArrayDeque<Long> hour = new ArrayDeque<>();

        synchronized Window arrived(long t) {
            // A clock may step back (a test sets it); keep the deques ordered so the windows stay exact.
            long at = Math.max(t, hour.isEmpty() ? t : hour.peekLast());
            push(minute, at, MINUTE_MS);
            push(hour, at, HOUR_MS);
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
    }
}
