package dev.koreexporter.poll;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.TurnTracer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shard layout stamped in checkpoints (README "Running several replicas"): a checkpoint written under another
 * layout starts its bot afresh, as on a first start, and never catches up from its old watermark; a replica marks
 * the checkpoints it leaves behind, so a bot that comes back to it later starts afresh too; 0.3.0's files and
 * other replicas' files.
 */
class ShardLayoutTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ExporterConfig.Bot BOT = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
            .set("bots[0].account-id", "acc-1").set("bots[0].channels", List.of("korevg")).bot();
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", Duration.ofMinutes(1))
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    @TempDir
    Path stateDir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeKoreApi api = new FakeKoreApi(clock, 5);
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger storeLog = Logger.getLogger(CheckpointStore.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        storeLog.addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        storeLog.removeHandler(capture);
    }

    /** One process of one replica: its own meters over the state dir, polling under {@code layout}. */
    private final class Replica {
        final PrometheusRegistry registry = new PrometheusRegistry();
        final FileCheckpointStore store;
        final BotPoller poller;
        final int windowsBefore = api.conversationWindows.size();

        Replica(Shard layout) {
            store = new FileCheckpointStore(stateDir, layout);
            poller = new BotPoller(BOT, POLL, Duration.ofHours(1), api, ReadOptions.DEFAULT,
                    new KoreMetrics(registry, Map.of(), "test", clock), TurnTracer.NONE, store, clock);
        }

        void cycles(Duration d) {
            Instant end = clock.instant().plus(d);
            while (clock.instant().isBefore(end)) {
                clock.advance(POLL.interval());
                poller.runCycle();
            }
        }

        double counted() {
            return MetricsText.of(registry).sum("kore_agentai_conversations_total");
        }

        TimeWindow firstWindow() {
            return api.conversationWindows.get(windowsBefore);
        }
    }

    /** One Agent AI conversation a minute from 2 h before T0 to 6 h after, each visible 30 s after its time. */
    @BeforeEach
    void traffic() {
        for (Instant at = T0.minus(Duration.ofHours(2)); at.isBefore(T0.plus(Duration.ofHours(6)));
             at = at.plus(Duration.ofMinutes(1))) {
            api.conversations.add(new FakeKoreApi.Visible<>(new AgentAiConversation("c-" + at.getEpochSecond(),
                    "voice", "chat", at), at.plusSeconds(30)));
        }
    }

    /** What a first start at {@code now} counts once caught up: every conversation of the backfill onwards. */
    private long visibleSince(Instant from) {
        Instant now = clock.instant();
        return api.conversations.stream().filter(v -> !v.record().startTime().isBefore(from)
                && !v.visibleAt().isAfter(now) && v.record().startTime().isBefore(now)).count();
    }

    @Test
    void aCheckpointWrittenUnderAnotherShardCountStartsTheBotAfreshEvenOnTheSameReplica() throws Exception {
        Replica first = new Replica(new Shard(2, 3));
        first.cycles(Duration.ofMinutes(10));
        first.poller.stopAndCheckpoint();
        // The stamp sits in the seen map, which 0.2.0 and 0.3.0 read as ids of a stream they do not have.
        Map<?, ?> seen = (Map<?, ?>) new ObjectMapper().readValue(
                Files.readAllBytes(stateDir.resolve("billing.checkpoint.json")), Map.class).get("seen");
        assertEquals(Map.of("index", 2, "count", 3), seen.get(Checkpoint.SHARD_LAYOUT));

        clock.advance(Duration.ofMinutes(30)); // the rolling restart to 4 replicas; the bot stays with replica 2
        Instant start = clock.instant();
        Replica second = new Replica(new Shard(2, 4));
        second.cycles(Duration.ofMinutes(10));

        assertEquals(start.minus(POLL.backfill()), second.firstWindow().from(), "a backfill, as on a first start");
        assertEquals(visibleSince(start.minus(POLL.backfill())), second.counted(),
                "the backfill and on, never caught up from the old watermark");
        assertEquals(1, logged.stream().filter(m -> m.contains("starts afresh")).count(), "logged once: " + logged);
        assertTrue(logged.getFirst().contains("--shard 2/3") && logged.getFirst().contains("--shard 2/4"),
                logged.getFirst());
    }

    @Test
    void aBotThatMovedAwayAndBackStartsAfreshAndNeverCatchesUpFromItsOldWatermark() {
        // 3 replicas: replica 2 polls the bot.
        Replica before = new Replica(new Shard(2, 3));
        before.cycles(Duration.ofMinutes(10));
        before.poller.stopAndCheckpoint();
        // 4 replicas: the bot is replica 3's now (its own state dir, counting from a backfill of its own); replica 2,
        // starting under 4, marks the checkpoint it left behind.
        new FileCheckpointStore(stateDir, new Shard(2, 4)).movedAway(BOT);
        assertEquals(1, logged.size(), logged.toString());
        new FileCheckpointStore(stateDir, new Shard(2, 4)).movedAway(BOT);
        assertEquals(1, logged.size(), "marked once: " + logged);
        clock.advance(Duration.ofHours(3));

        // Back to 3 replicas: the bot returns to replica 2, whose checkpoint is 3 hours old.
        logged.clear();
        Instant start = clock.instant();
        Replica after = new Replica(new Shard(2, 3));
        after.cycles(Duration.ofMinutes(10));

        assertEquals(start.minus(POLL.backfill()), after.firstWindow().from(), "a backfill, as on a first start");
        assertEquals(visibleSince(start.minus(POLL.backfill())), after.counted(),
                "the backfill and on, nothing of the 3 hours another replica counted");
        assertEquals(1, logged.stream().filter(m -> m.contains("starts afresh")).count(), "logged once: " + logged);
        assertTrue(logged.getFirst().contains("bot=billing") && logged.getFirst().contains("shard count became 4"),
                logged.getFirst());
    }

    @Test
    void anotherReplicasCheckpointInASharedStateDirIsLeftAloneAndNotResumed() throws Exception {
        Replica one = new Replica(new Shard(1, 3));
        one.cycles(Duration.ofMinutes(5));
        one.poller.stopAndCheckpoint();
        Path file = stateDir.resolve("billing.checkpoint.json");
        byte[] written = Files.readAllBytes(file);

        new FileCheckpointStore(stateDir, new Shard(0, 3)).movedAway(BOT);
        assertArrayEquals(written, Files.readAllBytes(file), "not replica 0's to mark");

        assertTrue(new FileCheckpointStore(stateDir, new Shard(1, 3)).restore(BOT).isPresent(), "still replica 1's");
        assertTrue(new FileCheckpointStore(stateDir, new Shard(1, 4)).restore(BOT).isEmpty(), "another layout");
        assertTrue(new FileCheckpointStore(stateDir, new Shard(3, 4)).restore(BOT).isEmpty(), "moved to replica 3");
        assertTrue(new FileCheckpointStore(stateDir).restore(BOT).isEmpty(), "one replica without --shard: replica 0");
    }

    @Test
    void a030CheckpointIsResumedWithoutShardOnlyAndItsWriteBackOfTheStampIsNoIds() throws Exception {
        Replica written = new Replica(Shard.ALL);
        written.cycles(Duration.ofMinutes(5));
        written.poller.stopAndCheckpoint();
        Checkpoint cp = new FileCheckpointStore(stateDir).load("billing").orElseThrow();
        assertEquals(Shard.ALL, cp.shardLayout().orElseThrow());
        // What 0.3.0 writes back: the stamp read as the ids of a stream it does not have, hashed in seenHashes.
        Map<String, Map<String, Long>> seen = new HashMap<>(cp.seen());
        Map<String, long[]> hashes = new HashMap<>(cp.seenHashes());
        hashes.put(Checkpoint.SHARD_LAYOUT, SeenIds.ofIds(seen.remove(Checkpoint.SHARD_LAYOUT)).pairs());
        new FileCheckpointStore(stateDir).save("billing", new Checkpoint(cp.version(), cp.botId(), cp.floor(),
                cp.watermarks(), seen, cp.activeSessions(), cp.closedSessions(), hashes, null));

        Checkpoint resumed = new FileCheckpointStore(stateDir).restore(BOT).orElseThrow();
        assertEquals(cp.seenIds().keySet(), resumed.seenIds().keySet(), "no ids of a stream called shardLayout");
        assertTrue(new FileCheckpointStore(stateDir, new Shard(0, 2)).restore(BOT).isEmpty(),
                "0.3.0 placed bots by CRC32: under --shard it is another layout");
        assertTrue(logged.getLast().contains("0.3.0"), logged.toString());
    }

    @Test
    void aStampThatNamesNoLayoutMakesTheCheckpointUnreadableNotForeign() throws Exception {
        Replica written = new Replica(new Shard(1, 3));
        written.cycles(Duration.ofMinutes(2));
        written.poller.stopAndCheckpoint();
        Path file = stateDir.resolve("billing.checkpoint.json");
        String json = Files.readString(file);
        for (String stamp : List.of("{\"index\":3,\"count\":3}", "{\"index\":0,\"count\":0}",
                "{\"index\":1,\"count\":3,\"movedUnder\":0}")) {
            Files.writeString(file, json.replaceFirst("\\{\"(index|count)\":\\d+,\"(index|count)\":\\d+}", stamp));
            assertTrue(Files.readString(file).contains(stamp), Files.readString(file));
            assertThrows(CorruptCheckpointException.class, () -> new FileCheckpointStore(stateDir).load("billing"), stamp);
        }
    }
}
