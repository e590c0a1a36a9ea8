package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Message;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lock or checkpoint write that fails at run time is never silent (docs/reliability.md): the bot is
 * {@code kore_exporter_up} 0 and its status (on {@code /} and in {@code /health/ready}) says why.
 */
class StateFailuresTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", clock);

    /** The state dir's store, whose locks and writes fail as a file system without locks, or read-only, would. */
    private final class Failing implements CheckpointStore {
        final FileCheckpointStore files = new FileCheckpointStore(stateDir);
        volatile boolean locks = true;
        volatile boolean writes = true;
        volatile int failingReads;

        @Override
        public Optional<Checkpoint> load(String botName) throws IOException {
            if (failingReads > 0) {
                failingReads--;
                throw new FileSystemException(stateDir.resolve(botName + ".checkpoint.json").toString(), null,
                        "Input/output error");
            }
            return files.load(botName);
        }

        @Override
        public Optional<CheckpointLock> tryLock(String botName) throws IOException {
            if (!locks) {
                throw new IOException("No locks available");
            }
            return files.tryLock(botName);
        }

        @Override
        public void save(String botName, Checkpoint checkpoint) throws IOException {
            if (!writes) {
                throw new FileSystemException(stateDir.resolve(botName + ".checkpoint.json.tmp").toString(), null,
                        "Read-only file system");
            }
            files.save(botName, checkpoint);
        }
    }

    private final FakeKoreApi api = new FakeKoreApi(clock, 3);

    {
        for (int i = 0; i < 10; i++) {
            Instant at = T0.minusSeconds(600 - 120L * i);
            api.addMessage(new Message("in-" + i, "s-" + i, Direction.INCOMING, "korevg", "en", at, null, null), at);
        }
    }

    private BotSlot slot(CheckpointStore store) {
        return new BotSlot(BOT.name(), store, metrics, () -> new BotPoller(BOT, POLL, Duration.ofHours(1), api,
                ReadOptions.DEFAULT, metrics, TurnTracer.NONE, store, clock));
    }

    private double up() {
        MetricsText m = MetricsText.of(registry);
        String key = MetricsText.key("kore_exporter_up", Map.of("bot", BOT.name()));
        assertTrue(m.series().containsKey(key), "an up series: " + m.series().keySet());
        return m.series().get(key);
    }

    @Test
    void aLockThatCannotBeTakenMakesTheBotUpZeroAndNamesWhy() {
        Failing store = new Failing();
        store.locks = false;
        BotSlot slot = slot(store);
        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(0, up());
        assertEquals(BotStatus.Mode.STOPPED, slot.status().mode());
        assertTrue(slot.status().lastError().contains("checkpoint lock") && slot.status().lastError()
                .contains("No locks available"), slot.status().lastError());
        assertTrue(slot.status().cyclesCompleted() > 0, "an attempt made: ready names it rather than waiting");

        store.locks = true;
        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(1, up(), "polled once the lock can be taken");
    }

    @Test
    void aCheckpointThatCannotBeWrittenMakesTheBotUpZeroAndNamesWhyUntilItCanBe() {
        Failing store = new Failing();
        store.writes = false;
        BotSlot slot = slot(store);
        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(0, up());
        BotStatus s = slot.status();
        assertFalse(s.checkpointOk());
        assertFalse(s.lastCycleOk());
        assertTrue(s.lastError().contains("checkpoint not written") && s.lastError().contains("Read-only file system")
                && s.lastError().contains("billing.checkpoint.json"), s.lastError());
        // Counted, but not shown until a checkpoint holds it: a restart now resumes from the last one written, and a
        // counter shown above that would go down (README "Reliability and security").
        assertTrue(api.messages.get("korevg").stream().anyMatch(v -> !v.visibleAt().isAfter(clock.instant())));
        assertEquals(0, MetricsText.of(registry).sum("kore_messages_total"), "nothing shown before it is written");
        assertTrue(MetricsText.of(registry).value("kore_exporter_checkpoint_errors_total", "bot", "billing") > 0,
                "but the failed writes are, at once: no checkpoint can hold them");

        store.writes = true;
        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(1, up());
        assertTrue(slot.status().checkpointOk() && slot.status().lastCycleOk());
        long happened = api.messages.get("korevg").stream().filter(v -> !v.visibleAt().isAfter(clock.instant())).count();
        assertEquals(happened, MetricsText.of(registry).sum("kore_messages_total"), "counting went on meanwhile");
    }

    @Test
    void aCheckpointThatCannotBeReadForNowIsKeptAndReadAgainNeverStartedAfresh() throws Exception {
        BotSlot first = slot(new FileCheckpointStore(stateDir));
        clock.advance(POLL.interval());
        first.runCycle();
        MetricsText before = MetricsText.of(registry);
        first.stopAndCheckpoint();
        Path file = stateDir.resolve("billing.checkpoint.json");
        byte[] good = Files.readAllBytes(file);

        PrometheusRegistry second = new PrometheusRegistry();
        KoreMetrics metrics2 = new KoreMetrics(second, Map.of(), "test", clock);
        Failing store = new Failing();
        store.failingReads = CheckpointStore.TRANSIENT_READ_ATTEMPTS; // EIO for one cycle's attempts
        BotSlot slot = new BotSlot(BOT.name(), store, metrics2, () -> new BotPoller(BOT, POLL, Duration.ofHours(1),
                api, ReadOptions.DEFAULT, metrics2, TurnTracer.NONE, store, clock));
        clock.advance(Duration.ofMinutes(10));
        slot.runCycle();
        assertArrayEquals(good, Files.readAllBytes(file), "the good checkpoint is neither discarded nor overwritten");
        assertEquals(0, MetricsText.of(second).value("kore_exporter_up", "bot", "billing"));
        assertTrue(slot.status().lastError().contains("Input/output error")
                && slot.status().lastError().contains("read again every cycle"), slot.status().lastError());
        assertEquals(0, MetricsText.of(second).sum("kore_messages_total"), "nothing counted afresh");

        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(1, MetricsText.of(second).value("kore_exporter_up", "bot", "billing"), "read the next cycle");
        assertEquals(api.messages.get("korevg").size(), MetricsText.increase(List.of(before, MetricsText.of(second)))
                .sum("kore_messages_total"), "each message counted once");
    }
}
