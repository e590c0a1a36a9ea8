package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.testing.LogCapture;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Standby while another holder has the bot's lock: logged once, retried every cycle, taken over when free. */
class BotSlotTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    @TempDir
    Path stateDir;

    @Test
    void aBotLockedElsewhereStandsByLogsOnceRetriesEveryCycleAndIsTakenOverWhenFree() throws Exception {
        ManualClock clock = new ManualClock(T0);
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", clock);
        FileCheckpointStore store = new FileCheckpointStore(stateDir);
        AtomicInteger built = new AtomicInteger();
        BotSlot slot = new BotSlot(BOT.name(), store, metrics, () -> {
            built.incrementAndGet();
            return new BotPoller(BOT, POLL, Duration.ofHours(1), new FakeKoreApi(clock, 3), ReadOptions.DEFAULT,
                    metrics, TurnTracer.NONE, store, clock);
        });
        CheckpointLock elsewhere = new FileCheckpointStore(stateDir).tryLock(BOT.name()).orElseThrow();
        try (LogCapture log = LogCapture.of(BotPoller.class.getName())) {
            for (int i = 0; i < 3; i++) {
                clock.advance(POLL.interval());
                assertTrue(slot.runCycle());
            }
            assertEquals(BotStatus.Mode.STANDBY, slot.status().mode());
            assertEquals(3, slot.status().cyclesCompleted(), "an attempt every cycle");
            assertEquals(0, built.get(), "not polled, its checkpoint not read");
            MetricsText m = MetricsText.of(registry);
            assertEquals(Map.of("kore_exporter_standby{bot=\"billing\"}", 1.0), Map.copyOf(m.family("kore_exporter_standby")));
            assertEquals(List.of("kore_exporter_standby{bot=\"billing\"}"),
                    m.series().keySet().stream().filter(k -> k.contains("bot=\"billing\"")).toList(),
                    "no other series of the bot");
            assertEquals(1, log.lines().stream().filter(l -> l.contains("standby")).count(), log.lines().toString());

            elsewhere.close();
            clock.advance(POLL.interval());
            slot.runCycle();
            assertEquals(BotStatus.Mode.POLLED, slot.status().mode());
            assertEquals(1, built.get());
            m = MetricsText.of(registry);
            assertEquals(0.0, m.value("kore_exporter_standby", "bot", "billing"));
            assertEquals(1.0, m.value("kore_exporter_up", "bot", "billing"));
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("took the checkpoint lock")), log.lines().toString());
        }
        assertTrue(new FileCheckpointStore(stateDir).tryLock(BOT.name()).isEmpty(), "held while polled");
        slot.stopAndCheckpoint();
        new FileCheckpointStore(stateDir).tryLock(BOT.name()).orElseThrow().close();
    }
}
