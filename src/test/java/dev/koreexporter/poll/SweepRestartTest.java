package dev.koreexporter.poll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TappedKoreApi;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A busy stream sweeps its lookback only every {@code poll.sweep-interval}, so its last sweep ends before its
 * watermark: the checkpoint keeps that end, and the first read after a restart reaches back a lookback before
 * it (README, "How it reads Kore.ai"), in a file 0.2.0 still reads once its series values are removed (the
 * downgrade of README "Changelog", 0.4.0).
 */
class SweepRestartTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].account-id", "acc-1").set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeKoreApi api = new FakeKoreApi(clock, 3);

    /** The record shape 0.2.0 reads, with Jackson's default: a field it does not know fails the whole file. */
    record Checkpoint020(int version, String botId, long floor, Map<String, Long> watermarks,
                         Map<String, Map<String, Long>> seen, Map<String, Long> activeSessions,
                         List<ContainmentWindow.Entry> closedSessions, Map<String, long[]> seenHashes) {
    }

    private final class Run {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final int windowsBefore = api.conversationWindows.size();
        final BotPoller poller;

        Run() {
            this(api);
        }

        Run(KoreApi kore) {
            poller = new BotPoller(BOT, POLL, Duration.ofHours(1), kore, ReadOptions.DEFAULT,
                    new KoreMetrics(registry, Map.of(), "test", clock), TurnTracer.NONE,
                    new FileCheckpointStore(stateDir), clock);
        }

        void cyclesUntil(Instant end) {
            while (clock.instant().isBefore(end)) {
                clock.advance(POLL.interval());
                poller.runCycle();
            }
        }

        MetricsText metrics() {
            return MetricsText.of(registry);
        }

        double counted() {
            return metrics().sum("kore_agentai_conversations_total");
        }

        List<TimeWindow> windows() {
            return api.conversationWindows.subList(windowsBefore, api.conversationWindows.size());
        }
    }

    /** Conversations counted by two runs, one after the other, added up as Prometheus's increase() sees them. */
    private static double counted(Run first, Run second) {
        return MetricsText.increase(List.of(first.metrics(), second.metrics())).sum("kore_agentai_conversations_total");
    }

    /**
     * What README "Changelog" (0.4.0) says to do to a checkpoint before a downgrade to 0.3.0 (or 0.2.0): without the
     * series values, version 2. The file as written, of version 3, neither reads.
     */
    private static byte[] downgraded(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        byte[] bytes = Files.readAllBytes(file);
        assertThrows(UnrecognizedPropertyException.class, () -> json.readValue(bytes, Checkpoint020.class),
                "0.2.0 and 0.3.0 refuse a file with the series values: the bot stops, nothing is counted twice");
        ObjectNode tree = (ObjectNode) json.readTree(bytes);
        tree.remove("series");
        tree.put("version", 2);
        return json.writeValueAsBytes(tree);
    }

    /** 6 Agent AI conversations a minute over [T0 - 50 min, T0 + 10 min), each landing up to 15 min late. */
    private void busyTraffic() {
        Random r = new Random(7);
        Instant from = T0.minus(Duration.ofMinutes(50));
        for (int i = 0; i < 6 * 60; i++) {
            Instant at = from.plusMillis(i * 10_000L);
            api.conversations.add(new FakeKoreApi.Visible<>(new AgentAiConversation("c-" + i, "voice", "chat", at),
                    at.plusSeconds(r.nextInt(15 * 60))));
        }
    }

    @Test
    void aRecordLandingLateAfterTheLastSweepIsCountedOnceAfterAGracefulRestart() {
        busyTraffic();
        Run first = new Run();
        first.cyclesUntil(T0.plus(Duration.ofMinutes(5)));
        first.poller.stopAndCheckpoint();
        Instant watermark = clock.instant();
        Instant sweepEnd = first.windows().stream()
                .filter(w -> Duration.between(w.from(), w.to()).compareTo(POLL.lookback()) >= 0)
                .map(TimeWindow::to).max(Instant::compareTo).orElseThrow();
        assertTrue(sweepEnd.isBefore(watermark.minus(POLL.interval())), "busy: the last sweep ended at " + sweepEnd);
        // Timed after the last sweep's lookback began, before the watermark's did; it landed 1 s after that
        // sweep, 19.5 min late, and only the next sweep can read it.
        Instant at = sweepEnd.minus(POLL.lookback()).plus(POLL.interval());
        api.conversations.add(new FakeKoreApi.Visible<>(new AgentAiConversation("late", "voice", "chat", at),
                sweepEnd.plusSeconds(1)));

        Run second = new Run();
        second.cyclesUntil(T0.plus(Duration.ofMinutes(40)));

        assertEquals(api.conversations.size(), counted(first, second), "each counted exactly once");
        assertEquals(sweepEnd.minus(POLL.lookback()), second.windows().getFirst().from(),
                "the first read after the restart reaches back a lookback before the last sweep's end");
    }

    @Test
    void theCheckpointStaysReadableBy020AndA020WriteBackIsReadAsNoSweep() throws Exception {
        busyTraffic();
        Run first = new Run();
        first.cyclesUntil(T0.plus(Duration.ofMinutes(5)));
        first.poller.stopAndCheckpoint();
        int ids = first.poller.seenIds();
        Path file = stateDir.resolve("billing.checkpoint.json");

        Checkpoint020 old = new ObjectMapper().readValue(downgraded(file), Checkpoint020.class);
        Map<String, Long> sweepEnds = old.seen().get(Checkpoint.SWEEP_ENDS);
        assertTrue(sweepEnds.get(Kind.CONVERSATIONS.key(null)) < old.watermarks().get(Kind.CONVERSATIONS.key(null)),
                "the busy stream's sweep end is kept, behind its watermark: " + old);

        // What 0.2.0 writes back: the entry read as ids of a stream it does not have, hashed in seenHashes.
        Checkpoint cp = new FileCheckpointStore(stateDir).load("billing").orElseThrow();
        Map<String, long[]> hashes = new HashMap<>(cp.seenHashes());
        hashes.put(Checkpoint.SWEEP_ENDS, SeenIds.ofIds(sweepEnds).pairs());
        new FileCheckpointStore(stateDir).save("billing", new Checkpoint(cp.version(), cp.botId(), cp.floor(),
                cp.watermarks(), Map.of(), cp.activeSessions(), cp.closedSessions(), hashes, null));

        Run second = new Run();
        assertEquals(ids, second.poller.seenIds(), "no ids of a stream that does not exist");
        second.cyclesUntil(clock.instant().plus(POLL.interval()));
        Instant watermark = Instant.ofEpochMilli(cp.watermarks().get(Kind.CONVERSATIONS.key(null)));
        assertEquals(watermark.minus(POLL.lookback()), second.windows().getFirst().from(),
                "without a sweep end, from a lookback before the watermark, as before");
    }

    @Test
    void aCheckpointWrittenMidReadStaysReadableBy020And030AndTheirWriteBackIsReadAsNoReadUnderWay() throws Exception {
        busyTraffic();
        AtomicReference<Run> first = new AtomicReference<>();
        first.set(new Run(TappedKoreApi.interruptedAt(api, 3, () -> first.get().poller.stopAndCheckpoint())));
        clock.advance(POLL.interval());
        first.get().poller.runCycle();
        Path file = stateDir.resolve("billing.checkpoint.json");

        Checkpoint020 old = new ObjectMapper().readValue(downgraded(file), Checkpoint020.class);
        assertTrue(old.seen().containsKey(Checkpoint.READS), "a read under way is kept: " + old.seen().keySet());

        // What 0.2.0 and 0.3.0 write back: the entries read as ids of streams they do not have, hashed.
        Checkpoint cp = new FileCheckpointStore(stateDir).load("billing").orElseThrow();
        Map<String, long[]> hashes = new HashMap<>(cp.seenHashes());
        old.seen().forEach((k, v) -> hashes.put(k, SeenIds.ofIds(v).pairs()));
        new FileCheckpointStore(stateDir).save("billing", new Checkpoint(cp.version(), cp.botId(), cp.floor(),
                cp.watermarks(), Map.of(), cp.activeSessions(), cp.closedSessions(), hashes, null));

        Run second = new Run();
        assertEquals(first.get().poller.seenIds(), second.poller.seenIds(), "no ids of a stream that does not exist");
        second.cyclesUntil(T0.plus(Duration.ofMinutes(40)));
        // Written back without the series values: the second run's series start from zero, so the two add up.
        assertEquals(api.conversations.size(), first.get().counted() + second.counted(),
                "the window under way read again from its start: each counted exactly once");
    }
}
