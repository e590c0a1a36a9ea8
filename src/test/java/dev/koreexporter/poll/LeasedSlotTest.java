package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bot of a replica sharing state (README "Running several replicas"): polled only while its lease is held; started
 * from its checkpoint when the lease is taken; stopped without a checkpoint when the lease is lost, after a final one
 * when it is handed over; its series removed either way, its lease released.
 */
class LeasedSlotTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    /** The lease as a test sets it; what the slot gave up. */
    private static final class Lease implements Ownership {
        volatile boolean held;
        volatile boolean leaving;
        final List<String> released = new ArrayList<>();

        @Override
        public boolean holds(String bot) {
            return held && !leaving;
        }

        @Override
        public boolean leaving(String bot) {
            return held && leaving;
        }

        @Override
        public void release(String bot) {
            released.add(bot + (leaving ? " handed over" : " lost"));
            held = false;
            leaving = false;
        }

        @Override
        public String problem() {
            return null;
        }
    }

    /** Checkpoints in memory, counted only while the lease is held, as the PostgreSQL store does. */
    private static final class LeasedStore implements CheckpointStore {
        final Map<String, Checkpoint> saved = new ConcurrentHashMap<>();
        final AtomicInteger writes = new AtomicInteger();
        final Lease lease;

        LeasedStore(Lease lease) {
            this.lease = lease;
        }

        @Override
        public Optional<Checkpoint> load(String botName) {
            return Optional.ofNullable(saved.get(botName));
        }

        @Override
        public void save(String botName, Checkpoint checkpoint) {
            writes.incrementAndGet();
            saved.put(botName, checkpoint);
        }

        @Override
        public boolean mayCount(String botName) {
            return lease.holds(botName);
        }
    }

    @Test
    void aBotIsPolledOnlyUnderItsLeaseStoppedWhenItIsLostAndHandedOverAfterAFinalCheckpoint() {
        ManualClock clock = new ManualClock(T0);
        PrometheusRegistry registry = new PrometheusRegistry();
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "test", clock);
        Lease lease = new Lease();
        LeasedStore store = new LeasedStore(lease);
        AtomicInteger built = new AtomicInteger();
        FakeKoreApi api = new FakeKoreApi(clock, 3);
        LeasedSlot slot = new LeasedSlot(BOT.name(), lease, metrics, () -> {
            built.incrementAndGet();
            return new BotPoller(BOT, POLL, Duration.ofHours(1), api, ReadOptions.DEFAULT, metrics, TurnTracer.NONE,
                    store, clock);
        });

        assertTrue(slot.runCycle());
        assertEquals(BotStatus.Mode.ELSEWHERE, slot.status().mode());
        assertEquals(0, built.get(), "another replica's: not polled, its checkpoint not read");
        assertEquals(List.of(), seriesOf(registry));

        lease.held = true;
        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(BotStatus.Mode.POLLED, slot.status().mode());
        assertEquals(1, built.get());
        assertEquals(1.0, MetricsText.of(registry).value("kore_exporter_up", "bot", "billing"));
        int written = store.writes.get();
        assertTrue(written > 0);

        // Lost (not renewed in time): stopped at once, no checkpoint (it would be refused), series gone.
        lease.held = false;
        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(written, store.writes.get(), "no checkpoint under a lost lease");
        assertEquals(List.of(), seriesOf(registry));
        assertEquals(List.of("billing lost"), lease.released);
        assertEquals(BotStatus.Mode.ELSEWHERE, slot.status().mode());

        // Taken again: a new poller from the checkpoint.
        lease.held = true;
        clock.advance(POLL.interval());
        slot.runCycle();
        assertEquals(2, built.get(), "started again from its checkpoint");
        assertEquals(1.0, MetricsText.of(registry).value("kore_exporter_up", "bot", "billing"));

        // Placed on another replica: a final checkpoint, then the lease is given up.
        written = store.writes.get();
        lease.leaving = true;
        slot.runCycle();
        assertEquals(written + 1, store.writes.get(), "the final checkpoint");
        assertEquals(List.of("billing lost", "billing handed over"), lease.released);
        assertEquals(List.of(), seriesOf(registry));
        assertEquals(2, built.get());
    }

    private static List<String> seriesOf(PrometheusRegistry registry) {
        return MetricsText.of(registry).series().keySet().stream().filter(k -> k.contains("bot=\"billing\"")).toList();
    }
}
