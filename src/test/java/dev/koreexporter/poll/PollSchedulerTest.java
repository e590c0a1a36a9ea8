package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MemoryCheckpointStore;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An Error in a poller goes to the exit hook, never dies silently; a poller that stops finishing cycles is stuck. */
class PollSchedulerTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofMillis(10))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    private final ManualClock clock = new ManualClock(T0);

    /** Kore.ai as seen by a JVM out of memory: the first listing throws. */
    private static final class OutOfMemoryApi implements KoreApi {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query) {
            calls.incrementAndGet();
            throw new OutOfMemoryError("test: Java heap space");
        }
    }

    @Test
    void anOutOfMemoryErrorInAPollerGoesToTheExitHookOnceAndThePollerStops() {
        OutOfMemoryApi api = new OutOfMemoryApi();
        KoreMetrics metrics = new KoreMetrics(new PrometheusRegistry(), Map.of(), "test", clock);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        BotSlot slot = new BotSlot(BOT.name(), store, metrics,
                () -> new BotPoller(BOT, POLL, Duration.ofHours(1), api, ReadOptions.DEFAULT, metrics, TurnTracer.NONE,
                        store, clock));
        List<Error> fatal = new CopyOnWriteArrayList<>();
        try (PollScheduler scheduler = new PollScheduler(List.of(slot), POLL.interval(), fatal::add, clock)) {
            scheduler.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !fatal.isEmpty());
            // Not rescheduled: a process about to exit polls no more (with a 10 ms interval it would, often).
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> api.calls.get() == 1 && fatal.size() == 1);
        }
        assertTrue(fatal.getFirst() instanceof OutOfMemoryError, fatal.toString());
    }

    @Test
    void aPollerThatFinishesNoCycleWithinTheBoundIsStuckUntilItFinishesOne() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger cycles = new AtomicInteger();
        Poller hanging = new Poller() {
            @Override
            public String bot() {
                return "billing";
            }

            @Override
            public boolean runCycle() {
                if (cycles.incrementAndGet() == 1) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return true;
            }

            @Override
            public void stopAndCheckpoint() {
                release.countDown();
            }

            @Override
            public BotStatus status() {
                return new BotStatus("billing", 0, false, null, null, null, true);
            }
        };
        Duration bound = Duration.ofSeconds(3 * (30 + 30));
        try (PollScheduler scheduler = new PollScheduler(List.of(hanging), Duration.ofHours(1), e -> { }, clock)) {
            scheduler.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> cycles.get() == 1);
            clock.advance(bound);
            assertEquals(List.of(), scheduler.stuck(bound), "exactly at the bound: not yet");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(List.of("billing"), scheduler.stuck(bound));
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.stuck(bound).isEmpty());
        }
    }

    @Test
    void aLongCycleThatKeepsMakingProgressIsNeverStuckOneThatStopsIs() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger cycles = new AtomicInteger();
        AtomicLong progress = new AtomicLong();
        Poller catchingUp = new Poller() {
            @Override
            public String bot() {
                return "billing";
            }

            @Override
            public boolean runCycle() {
                if (cycles.incrementAndGet() == 1) {
                    try {
                        release.await(); // a rate-limited catch-up: one cycle of many pages
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return true;
            }

            @Override
            public void stopAndCheckpoint() {
                release.countDown();
            }

            @Override
            public BotStatus status() {
                return new BotStatus("billing", 0, false, null, null, null, true);
            }

            @Override
            public long progress() {
                return progress.get();
            }
        };
        Duration bound = Duration.ofSeconds(3 * (30 + 30));
        try (PollScheduler scheduler = new PollScheduler(List.of(catchingUp), Duration.ofHours(1), e -> { }, clock)) {
            scheduler.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> cycles.get() == 1);
            for (int minute = 0; minute < 30; minute++) {
                clock.advance(Duration.ofMinutes(1)); // a page a minute, the cycle ten bounds long
                progress.incrementAndGet();
                assertEquals(List.of(), scheduler.stuck(bound), "minute " + minute + " of a cycle making progress");
            }
            clock.advance(bound);
            assertEquals(List.of(), scheduler.stuck(bound), "exactly at the bound since the last page: not yet");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(List.of("billing"), scheduler.stuck(bound), "no progress for longer than the bound");
            progress.incrementAndGet();
            assertEquals(List.of(), scheduler.stuck(bound), "live again once it makes progress");
            release.countDown();
        }
    }

    /** A bot whose lease was just taken is polled at once, not an interval later; never two cycles of it at once. */
    @Test
    void wakeRunsTheBotsNextCycleNowAndNeverWhileOneRuns() throws Exception {
        AtomicInteger cycles = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch inSecond = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Poller poller = new Poller() {
            @Override
            public String bot() {
                return "billing";
            }

            @Override
            public boolean runCycle() {
                if (running.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                try {
                    if (cycles.incrementAndGet() == 2) {
                        inSecond.countDown();
                        release.await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                return true;
            }

            @Override
            public void stopAndCheckpoint() {
            }

            @Override
            public BotStatus status() {
                return new BotStatus("billing", cycles.get(), true, null, null, null, true);
            }
        };
        try (PollScheduler scheduler = new PollScheduler(List.of(poller), Duration.ofHours(1), e -> {
        }, Clock.systemUTC())) {
            scheduler.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> cycles.get() == 1);
            scheduler.wake("billing");
            assertTrue(inSecond.await(10, java.util.concurrent.TimeUnit.SECONDS), "woken: the next cycle now, not in an hour");
            for (int i = 0; i < 20; i++) {
                scheduler.wake("billing");
            }
            scheduler.wake("no-such-bot");
            release.countDown();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> cycles.get() == 2);
            assertEquals(0, overlaps.get(), "a wake while a cycle runs starts none beside it");
            scheduler.wake("billing");
            await().atMost(Duration.ofSeconds(10)).until(() -> cycles.get() == 3);
        }
        assertEquals(0, overlaps.get());
    }
}
