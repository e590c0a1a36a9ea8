package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TappedKoreApi;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.SpanRef;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a cycle meets a slow trace backend and a shutdown (README "Tracing", docs/reliability.md). */
class PollerShutdownTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeKoreApi api = new FakeKoreApi(clock, 3);
    private final PrometheusRegistry registry = new PrometheusRegistry();

    private void addTurns(int n) {
        for (int i = 0; i < n; i++) {
            Instant at = T0.minus(Duration.ofMinutes(30)).plusSeconds(10L * i);
            api.addMessage(new Message("out-" + i, "s-" + i, Direction.OUTGOING, "korevg", "en", at,
                    new Latency(800.0, null, new Latency.BotSegment(800.0), null), null), at);
        }
    }

    private BotPoller poller(KoreApi kore, TurnTracer tracer) {
        return new BotPoller(BOT, POLL, Duration.ofHours(1), kore, ReadOptions.DEFAULT,
                new KoreMetrics(registry, Map.of(), "test", clock), tracer, new FileCheckpointStore(stateDir), clock);
    }

    @Test
    void aSpanWaitingForRoomInTheQueueNeverHoldsTheBotsLedger() throws Exception {
        addTurns(6);
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch room = new CountDownLatch(1);
        TurnTracer slowBackend = new TurnTracer() {
            @Override
            public SpanRef turn(ExporterConfig.Bot bot, Message turn) {
                waiting.countDown();
                try {
                    room.await(); // the span gate waiting for queue room while the backend is slow
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }

            @Override
            public void sessionClosed(ExporterConfig.Bot bot, Session session) {
            }
        };
        BotPoller poller = poller(api, slowBackend);
        clock.advance(POLL.interval());
        Thread cycle = Thread.ofPlatform().start(poller::runCycle);
        assertTrue(waiting.await(10, TimeUnit.SECONDS), "a turn's span is waiting for room");

        // Whatever else needs the ledger goes on: here the shutdown's checkpoint (before: blocked until room came).
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            poller.seenIds();
            poller.stopAndCheckpoint();
        });
        room.countDown();
        cycle.join(10_000);
        assertFalse(cycle.isAlive());
    }

    @Test
    void aCycleCutShortByShutdownIsNeitherLoggedOkNorMarksTheBotUp() {
        addTurns(12);
        AtomicReference<BotPoller> poller = new AtomicReference<>();
        // SIGTERM arrives while the second page of a read is handed out.
        KoreApi stoppedMidRead = TappedKoreApi.interruptedAt(api, 2, () -> poller.get().stopAndCheckpoint());
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(BotPoller.class.getName());
        log.addHandler(capture);
        try {
            poller.set(poller(stoppedMidRead, TurnTracer.NONE));
            clock.advance(POLL.interval());
            poller.get().runCycle();
        } finally {
            log.removeHandler(capture);
        }
        MetricsText m = MetricsText.of(registry);
        assertFalse(m.series().containsKey(MetricsText.key("kore_exporter_up", Map.of("bot", "billing")))
                && m.value("kore_exporter_up", "bot", "billing") == 1, "up is not 1: " + m.family("kore_exporter_up"));
        assertTrue(lines.stream().noneMatch(l -> l != null && l.contains("cycle ok")), "not logged ok: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l != null && l.contains("cut short")), "logged cut short: " + lines);
        assertEquals(3, m.sum("kore_messages_total"), "the page counted before the stop is counted, no more");
    }
}
