package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Exact sliding-log limiter for one bot: a request may go only if fewer than {@code perMinute} requests
 * went in the last minute AND fewer than {@code perHour} in the last hour, whatever endpoint they hit.
 * Kore.ai enforces both limits over sliding windows, so a token bucket or fixed windows could burst past
 * them at a window edge.
 */
public final class RateLimiter {
    /*
     * The server sees our requests some network delay after we log them, and that delay varies. If request
     * A is delayed and request B (sent exactly 60 s later) is not, the server sees them less than 60 s apart.
     * Treating the windows as half a second longer than Kore.ai's absorbs up to 0.5 s of such jitter.
     */
    static final Duration SAFETY_MARGIN = Duration.ofMillis(500);
    static final Duration MINUTE = Duration.ofMinutes(1).plus(SAFETY_MARGIN);
    static final Duration HOUR = Duration.ofHours(1).plus(SAFETY_MARGIN);

    private final int perMinute;
    private final int perHour;
    private final Clock clock;
    private final Sleeper sleeper;
    /** Send times of the last hour, oldest first. */
    private final Deque<Instant> sent = new ArrayDeque<>();

    public RateLimiter(ExporterConfig.RateLimit limit, Clock clock, Sleeper sleeper) {
        if (limit.perMinute() < 1 || limit.perHour() < 1) {
            throw new IllegalArgumentException("rate limits must be at least 1: " + limit);
        }
        this.perMinute = limit.perMinute();
        this.perHour = limit.perHour();
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Blocks until a request may be sent and records it as sent. Interruptible. */
    public void acquire() throws InterruptedException {
        while (true) {
            Duration wait;
            synchronized (this) {
                Instant now = clock.instant();
                wait = waitBefore(now);
                if (!wait.isPositive()) {
                    sent.addLast(now);
                    return;
                }
            }
            // Sleep outside the lock; another thread may take the slot first, so check again after.
            sleeper.sleep(wait);
        }
    }

    /**
     * Requests sent in the trailing {@code window} as this limiter counts them (every endpoint, 429s included,
     * the window widened by the safety margin). Read-only: the log is pruned only by {@link #acquire}.
     */
    public synchronized int sent(BudgetWindow window) {
        Instant start = clock.instant().minus(window.length());
        int n = 0;
        for (Iterator<Instant> it = sent.descendingIterator(); it.hasNext() && it.next().isAfter(start); ) {
            n++;
        }
        return n;
    }

    /** {@link #sent} over the limit of that window: 1 when the next request would have to wait. */
    public double usedRatio(BudgetWindow window) {
        int limit = window == BudgetWindow.MINUTE ? perMinute : perHour;
        return (double) sent(window) / limit;
    }

    /** How long from {@code now} until both windows have room; zero or negative when they have now. */
    private Duration waitBefore(Instant now) {
        if (!sent.isEmpty() && sent.peekLast().isAfter(now)) {
            clampToNow(now);
        }
        while (!sent.isEmpty() && !sent.peekFirst().isAfter(now.minus(HOUR))) {
            sent.removeFirst();
        }
        Duration wait = Duration.ZERO;
        // With n entries in a window and a limit of L, entry n-L (oldest first) must age out to free a slot.
        if (sent.size() >= perHour) {
            wait = untilExpired(nth(sent.size() - perHour), HOUR, now);
        }
        int inMinute = 0;
        Instant minuteStart = now.minus(MINUTE);
        for (Iterator<Instant> it = sent.descendingIterator(); it.hasNext() && it.next().isAfter(minuteStart); ) {
            inMinute++;
        }
        if (inMinute >= perMinute) {
            Duration minuteWait = untilExpired(nth(sent.size() - perMinute), MINUTE, now);
            wait = minuteWait.compareTo(wait) > 0 ? minuteWait : wait;
        }
        return wait;
    }

    /**
     * The clock stepped back: requests logged "after" now would block for as long as the step. They went no
     * later than now in real time, so they count as sent now: never an earlier slot than Kore.ai allows.
     */
    private void clampToNow(Instant now) {
        int n = sent.size();
        for (int i = 0; i < n; i++) {
            Instant t = sent.removeFirst();
            sent.addLast(t.isAfter(now) ? now : t);
        }
    }

    private Instant nth(int index) {
        Iterator<Instant> it = sent.iterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        return it.next();
    }

    /** An entry sent at {@code t} stops counting once {@code t + window <= now}. */
    private static Duration untilExpired(Instant t, Duration window, Instant now) {
        return Duration.between(now, t.plus(window));
    }
}
