package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.TimeWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static dev.koreexporter.kore.FakeKore.Reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private final FakeTime time = new FakeTime(T0);

    private RateLimiter limiter(int perMinute, int perHour) {
        return new RateLimiter(new ExporterConfig.RateLimit(perMinute, perHour), time, time);
    }

    private Instant acquire(RateLimiter limiter) throws InterruptedException {
        limiter.acquire();
        return time.instant();
    }

    /** The largest number of instants in any window [t, t + length) starting at one of them. */
    private static int maxInAnyWindow(List<Instant> sent, Duration length) {
        int max = 0;
        for (Instant start : sent) {
            max = Math.max(max, (int) sent.stream().filter(t -> !t.isBefore(start) && t.isBefore(start.plus(length))).count());
        }
        return max;
    }

    @Test
    void perMinuteLimitSlidesInsteadOfResettingOnTheMinute() throws Exception {
        var limiter = limiter(3, 1000);
        assertEquals(T0, acquire(limiter));
        time.advance(Duration.ofSeconds(30));
        acquire(limiter);
        time.advance(Duration.ofSeconds(20));
        acquire(limiter); // t = 50 s: three in the last minute

        // A fixed window would let the 4th go at 60 s and the 5th right after; a sliding one must wait for
        // each earlier request to leave the window (plus the safety margin).
        assertEquals(T0.plus(RateLimiter.MINUTE), acquire(limiter));
        assertEquals(T0.plusSeconds(30).plus(RateLimiter.MINUTE), acquire(limiter));
        assertEquals(T0.plusSeconds(50).plus(RateLimiter.MINUTE), acquire(limiter));
    }

    @Test
    void sentCountsTheTrailingWindowsAsTheLimiterDoesWithoutChangingThem() throws Exception {
        var limiter = limiter(4, 10);
        acquire(limiter);
        time.advance(Duration.ofSeconds(30));
        acquire(limiter);
        acquire(limiter);
        assertEquals(3, limiter.sent(BudgetWindow.MINUTE));
        assertEquals(0.75, limiter.usedRatio(BudgetWindow.MINUTE));
        assertEquals(0.3, limiter.usedRatio(BudgetWindow.HOUR));
        // The first request leaves the minute (with the safety margin) 60.5 s after it was sent.
        time.advance(Duration.ofMillis(30_499));
        assertEquals(3, limiter.sent(BudgetWindow.MINUTE));
        time.advance(Duration.ofMillis(1));
        assertEquals(2, limiter.sent(BudgetWindow.MINUTE));
        assertEquals(3, limiter.sent(BudgetWindow.HOUR));
        time.advance(Duration.ofHours(1));
        assertEquals(0, limiter.sent(BudgetWindow.HOUR));
        assertEquals(0.0, limiter.usedRatio(BudgetWindow.MINUTE));
        // Counting pruned nothing the limiter needs: four more may go at once, a fifth waits.
        for (int i = 0; i < 4; i++) {
            assertEquals(time.instant(), acquire(limiter));
        }
        assertEquals(1.0, limiter.usedRatio(BudgetWindow.MINUTE));
    }

    @Test
    void aClockSteppedBackDoesNotBlockForAsLongAsTheStep() throws Exception {
        var limiter = limiter(3, 1000);
        time.advance(Duration.ofHours(2)); // running fast
        for (int i = 0; i < 3; i++) {
            acquire(limiter);
        }
        time.advance(Duration.ofHours(-2)); // stepped back
        Instant steppedBack = time.instant();

        // The three requests count as sent now: the fourth waits one minute, not two hours.
        assertEquals(steppedBack.plus(RateLimiter.MINUTE), acquire(limiter));
    }

    @Test
    void perHourLimitHoldsEvenWhenEveryMinuteHasRoom() throws Exception {
        var limiter = limiter(60, 5);
        List<Instant> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(acquire(limiter));
            time.advance(Duration.ofMinutes(10));
        }
        assertEquals(T0.plus(RateLimiter.HOUR), acquire(limiter));
        assertEquals(T0.plusSeconds(600).plus(RateLimiter.HOUR), acquire(limiter));
    }

    @Test
    void randomTrafficNeverExceedsEitherSlidingWindow() throws Exception {
        var limiter = limiter(7, 40);
        var random = new Random(42);
        List<Instant> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add(acquire(limiter));
            if (random.nextInt(3) == 0) {
                time.advance(Duration.ofMillis(random.nextInt(20_000)));
            }
        }
        assertEquals(7, maxInAnyWindow(sent, RateLimiter.MINUTE));
        assertEquals(40, maxInAnyWindow(sent, RateLimiter.HOUR));
    }

    @Test
    void interruptedWaitPropagates() throws Exception {
        var limiter = new RateLimiter(new ExporterConfig.RateLimit(1, 10), time, d -> {
            throw new InterruptedException();
        });
        limiter.acquire();
        assertThrows(InterruptedException.class, limiter::acquire);
    }

    @Test
    void requestsThroughTheClientIncluding429sNeverExceedTheLimits() {
        // Every 4th answer is a 429 (counted like any request); the server logs arrival on the fake clock.
        var calls = new AtomicInteger();
        try (var fake = new FakeKore(time, r -> calls.incrementAndGet() % 4 == 0
                ? Reply.json(429, "{}").with("Retry-After", "0")
                : Reply.ok(FakeKore.messagesPage(r.body().get("skip").asInt(), 1, r.body().get("skip").asInt() < 39)));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE, 5, 20, Duration.ofSeconds(5))) {
            int read = 0;
            for (var page : client.pages(Listing.MESSAGES_V2, Query.of(new TimeWindow(T0.minusSeconds(3600), T0), "korevg"))) {
                read += page.records().size();
            }
            assertEquals(40, read);
            List<Instant> arrivals = fake.requests.stream().map(FakeKore.Request::at).toList();
            assertTrue(arrivals.size() > 40, "429s were sent too");
            assertEquals(5, maxInAnyWindow(arrivals, Duration.ofSeconds(60)));
            assertEquals(20, maxInAnyWindow(arrivals, Duration.ofSeconds(3600)));
        }
    }

    /** The wall clock, stepped at will, apart from the monotonic ticker pacing runs on ({@link #time}). */
    private static final class SteppedWall extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void aWallClockStepNeitherStallsPacingNorLetsABurstThrough() throws Exception {
        SteppedWall wall = new SteppedWall();
        var limiter = new RateLimiter(new ExporterConfig.RateLimit(3, 1000), wall, () -> time.millis() * 1_000_000L,
                time, RequestLog.NONE);
        for (int i = 0; i < 3; i++) {
            acquire(limiter);
        }
        wall.now = T0.plus(Duration.ofHours(2)); // stepped forward: a wall-clock limiter let 3 more go at once
        assertEquals(T0.plus(RateLimiter.MINUTE), acquire(limiter), "no burst: the 4th waits its minute");
        wall.now = T0.minus(Duration.ofHours(2)); // stepped back: a wall-clock limiter waited two hours
        time.advance(Duration.ofSeconds(1));
        Instant before = time.instant();
        acquire(limiter);
        assertTrue(Duration.between(before, time.instant()).compareTo(RateLimiter.MINUTE) <= 0,
                "no stall: waited " + Duration.between(before, time.instant()));
    }

    /** A request log kept in memory, as a state dir keeps it across processes. */
    private static final class MemoryLog implements RequestLog {
        final List<Long> sent = new ArrayList<>();

        @Override
        public List<Long> recent() {
            return List.copyOf(sent);
        }

        @Override
        public void sent(long epochMillis) {
            sent.add(epochMillis);
        }
    }

    @Test
    void aRestartedLimiterPacesByWhatTheLastProcessSent() throws Exception {
        MemoryLog log = new MemoryLog();
        ExporterConfig.RateLimit limit = new ExporterConfig.RateLimit(3, 5);
        List<Instant> sent = new ArrayList<>();
        for (int restart = 0; restart < 4; restart++) {
            // Each process sends what it may as fast as it may, then dies; the next starts at once.
            var limiter = new RateLimiter(limit, time, Ticker.of(time), time, log);
            for (int i = 0; i < 2; i++) {
                sent.add(acquire(limiter));
            }
            time.advance(Duration.ofSeconds(1));
        }
        assertEquals(8, log.sent.size());
        assertEquals(3, maxInAnyWindow(sent, Duration.ofMinutes(1)), "never more than 3 in a minute: " + sent);
        assertEquals(5, maxInAnyWindow(sent, Duration.ofHours(1)), "never more than 5 in an hour: " + sent);
    }
}
