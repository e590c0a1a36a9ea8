package dev.koreexporter.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every bot's requests in the trailing 60 s and hour, exactly, as Kore.ai's sliding rate limits count them: the
 * requests over HTTP and those of the bot's other consumer ({@link SimBot#otherRequestsPerMinute()}), which are
 * not sent over HTTP but logged here at their times as requests arrive. A window is half-open: the requests at t
 * and those less than 60 s (3600 s) before t.
 */
final class RateWindows {
    private static final long MINUTE_MS = 60_000;
    private static final long HOUR_MS = 3_600_000;

    private final SimulatorOptions options;
    private final long othersOriginMs;
    private final Map<String, BotLog> logs = new ConcurrentHashMap<>();

    RateWindows(SimulatorOptions options) {
        this.options = options;
        // The other consumer was already at work: the hour before the start holds its share of the budget.
        this.othersOriginMs = options.clock().millis() - HOUR_MS;
    }

    /**
     * Right after a request arrived: the bot's requests in the trailing windows (every consumer's, this one
     * included), the time until each window has a free slot, and this client's and the other consumer's shares.
     */
    record Window(int lastMinute, int lastHour, Duration untilMinuteSlot, Duration untilHourSlot,
                  int ownLastMinute, int ownLastHour, ApiRequest.OtherRequests others) {
    }

    Window arrived(SimBot bot, Instant at) {
        return logs.computeIfAbsent(bot.botId(), id -> new BotLog(bot.otherRequestsPerMinute())).arrived(at.toEpochMilli());
    }

    private final class BotLog {
        private final ArrayDeque<Long> minute = new ArrayDeque<>();
        private final ArrayDeque<Long> hour = new ArrayDeque<>();
        private final ArrayDeque<Long> ownMinute = new ArrayDeque<>();
        private final ArrayDeque<Long> ownHour = new ArrayDeque<>();
        private final double otherPerMinute;
        private long otherSent;
        private long otherThrottled;

        BotLog(double otherPerMinute) {
            this.otherPerMinute = otherPerMinute;
        }

        synchronized Window arrived(long t) {
            // A clock may step back (a test sets it); keep the deques ordered so the windows stay exact.
            long at = Math.max(t, hour.isEmpty() ? t : hour.peekLast());
            for (long other = nextOther(); other <= at; other = nextOther()) {
                push(minute, other, MINUTE_MS);
                push(hour, other, HOUR_MS);
                otherSent++;
                if (options.enforceRateLimits()
                        && (minute.size() > options.perMinute() || hour.size() > options.perHour())) {
                    otherThrottled++;
                }
            }
            push(minute, at, MINUTE_MS);
            push(hour, at, HOUR_MS);
            push(ownMinute, at, MINUTE_MS);
            push(ownHour, at, HOUR_MS);
            return new Window(minute.size(), hour.size(),
                    Duration.ofMillis(minute.peekFirst() + MINUTE_MS - at),
                    Duration.ofMillis(hour.peekFirst() + HOUR_MS - at),
                    ownMinute.size(), ownHour.size(),
                    new ApiRequest.OtherRequests(minute.size() - ownMinute.size(), hour.size() - ownHour.size(),
                            otherSent, otherThrottled));
        }

        /** When the other consumer sends its next request: evenly spaced from the origin (never, at rate 0). */
        private long nextOther() {
            return otherPerMinute <= 0 ? Long.MAX_VALUE
                    : othersOriginMs + (long) Math.ceil(otherSent * MINUTE_MS / otherPerMinute);
        }

        private static void push(ArrayDeque<Long> q, long t, long width) {
            q.addLast(t);
            while (q.peekFirst() <= t - width) {
                q.pollFirst();
            }
        }
    }
}
