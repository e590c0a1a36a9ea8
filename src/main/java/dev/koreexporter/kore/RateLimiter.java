package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Exact sliding-log limiter for one bot: a request may go only if fewer than {@code perMinute} requests
 * went in the last minute AND fewer than {@code perHour} in the last hour, whatever endpoint they hit.
 * Kore.ai enforces both limits over sliding windows, so a token bucket or fixed windows could burst past
 * them at a window edge. Times are read from a monotonic {@link Ticker}, so a wall-clock step neither stalls
 * pacing nor lets a burst through. The log survives restarts through a {@link RequestLog}: read at the first
 * request (once this process polls the bot: after a takeover, the previous holder's log), each request noted
 * before it is sent; a log shared by replicas also hands over what other replicas sent since ({@link
 * RequestLog#elsewhere}), merged in before the next request.
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
    private final Clock wall;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final RequestLog log;
    /** Send times of the last hour, as {@link Ticker} nanos, oldest first. */
    private final Deque<Long> sent = new ArrayDeque<>();
    private boolean restored;

    /** Pacing on {@code clock}'s {@link Ticker}, keeping no log across restarts. */
    public RateLimiter(ExporterConfig.RateLimit limit, Clock clock, Sleeper sleeper) {
        this(limit, clock, Ticker.of(clock), sleeper, RequestLog.NONE);
    }

    /**
     * @param wall   dates the requests noted in {@code log} (a restart converts them back with its own ticker)
     * @param ticker what pacing is measured with
     */
    public RateLimiter(ExporterConfig.RateLimit limit, Clock wall, Ticker ticker, Sleeper sleeper, RequestLog log) {
        if (limit.perMinute() < 1 || limit.perHour() < 1) {
            throw new IllegalArgumentException("rate limits must be at least 1: " + limit);
        }
        this.perMinute = limit.perMinute();
        this.perHour = limit.perHour();
        this.wall = wall;
        this.ticker = ticker;
        this.sleeper = sleeper;
        this.log = log;
    }

    /** Blocks until a request may be sent and records it as sent. Interruptible. */
    public void acquire() throws InterruptedException {
        while (true) {
            Duration wait;
            synchronized (this) {
                long now = ticker.nanos();
                if (!restored) {
                    restore(now, log.recent());
                    restored = true;
                }
                List<Long> elsewhere = log.elsewhere();
                if (!elsewhere.isEmpty()) {
                    restore(now, elsewhere);
                }
                wait = waitBefore(now);
                if (!wait.isPositive()) {
                    sent.addLast(now);
                    log.sent(wall.millis());
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
        long start = ticker.nanos() - window.length().toNanos();
        int n = 0;
        for (Iterator<Long> it = sent.descendingIterator(); it.hasNext() && it.next() > start; ) {
            n++;
        }
        return n;
    }

    /** {@link #sent} over the limit of that window: 1 when the next request would have to wait. */
    public double usedRatio(BudgetWindow window) {
        int limit = window == BudgetWindow.MINUTE ? perMinute : perHour;
        return (double) sent(window) / limit;
    }

    /**
     * The requests a previous process (or another replica) noted, dated by the wall clock, placed on this process's
     * ticker among those it sent itself; none later than now (a wall clock stepped back since would otherwise hold
     * requests back by the step).
     */
    private void restore(long now, List<Long> wallMillis) {
        long wallNow = wall.millis();
        List<Long> all = new ArrayList<>(sent);
        for (long at : wallMillis) {
            long ago = Math.max(0, wallNow - at);
            if (ago < HOUR.toMillis()) {
                all.add(now - ago * 1_000_000L);
            }
        }
        all.sort(null);
        sent.clear();
        sent.addAll(all);
    }

    /** How long from {@code now} until both windows have room; zero or negative when they have now. */
    private Duration waitBefore(long now) {
        if (!sent.isEmpty() && sent.peekLast() > now) {
            clampToNow(now);
        }
        while (!sent.isEmpty() && sent.peekFirst() <= now - HOUR.toNanos()) {
            sent.removeFirst();
        }
        Duration wait = Duration.ZERO;
        // With n entries in a window and a limit of L, entry n-L (oldest first) must age out to free a slot.
        if (sent.size() >= perHour) {
            wait = untilExpired(nth(sent.size() - perHour), HOUR, now);
        }
        int inMinute = 0;
        long minuteStart = now - MINUTE.toNanos();
        for (Iterator<Long> it = sent.descendingIterator(); it.hasNext() && it.next() > minuteStart; ) {
            inMinute++;
        }
        if (inMinute >= perMinute) {
            Duration minuteWait = untilExpired(nth(sent.size() - perMinute), MINUTE, now);
            wait = minuteWait.compareTo(wait) > 0 ? minuteWait : wait;
        }
        return wait;
    }

    /**
     * The ticker went back (only a test's manual clock does): requests logged "after" now would block for as long as
     * the step. They went no later than now in real time, so they count as sent now: never an earlier slot than
     * Kore.ai allows.
     */
    private void clampToNow(long now) {
        int n = sent.size();
        for (int i = 0; i < n; i++) {
            long t = sent.removeFirst();
            sent.addLast(Math.min(t, now));
        }
    }

    private long nth(int index) {
        Iterator<Long> it = sent.iterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        return it.next();
    }

    /** An entry sent at {@code t} stops counting once {@code t + window <= now}. */
    private static Duration untilExpired(long t, Duration window, long now) {
        return Duration.ofNanos(t + window.toNanos() - now);
    }
}
