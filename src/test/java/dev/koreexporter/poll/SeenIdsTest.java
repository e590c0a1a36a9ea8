package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.metrics.store.BotSeriesState;
import dev.koreexporter.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeenIdsTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void remembersEachIdOnceThroughGrowthAndPruning() {
        SeenIds ids = new SeenIds();
        for (int i = 0; i < 50_000; i++) {
            assertTrue(ids.add("ms-" + i, T0.plusSeconds(i)));
        }
        for (int i = 0; i < 50_000; i += 7) {
            assertFalse(ids.add("ms-" + i, T0), "ms-" + i + " again");
        }
        assertEquals(50_000, ids.size());

        ids.pruneBefore(T0.plusSeconds(30_000));

        assertEquals(20_000, ids.size());
        assertFalse(ids.contains("ms-29999"));
        assertTrue(ids.contains("ms-30000"));
        assertTrue(ids.add("ms-29999", T0), "forgotten once older than the horizon");
    }

    @Test
    void pairsRoundTripThroughTheCheckpoint() {
        SeenIds ids = new SeenIds();
        for (int i = 0; i < 1_000; i++) {
            ids.add("id-" + i, T0.plusMillis(i));
        }
        SeenIds restored = SeenIds.ofPairs(ids.pairs());

        assertEquals(1_000, restored.size());
        for (int i = 0; i < 1_000; i++) {
            assertTrue(restored.contains("id-" + i));
        }
        restored.pruneBefore(T0.plusMillis(500));
        assertEquals(500, restored.size(), "record times survive the round trip");
    }

    @Test
    void hashesOfSimilarIdsDoNotCollide() {
        Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            assertTrue(hashes.add(SeenIds.hash("66ea" + Integer.toHexString(i))));
        }
    }

    @Test
    void aVersionOneCheckpointWithPlainIdsIsStillHonoured() throws Exception {
        ExporterConfig.Bot bot = TestConfig.builder().bot("billing", "st-1", "cs-1", "s".repeat(40))
                .set("bots[0].channels", List.of("korevg")).bot();
        long t = T0.toEpochMilli();
        Files.writeString(dir.resolve("billing.checkpoint.json"), """
                {"version":1,"botId":"st-1","floor":%d,"watermarks":{"messages:korevg":%d},
                 "seen":{"messages:korevg":{"ms-1":%d,"ms-2":%d}},"activeSessions":{},"closedSessions":[]}
                """.formatted(t, t, t, t));
        BotLedger ledger = new BotLedger(bot, new FileCheckpointStore(dir), Stream.all(bot, MessagesApi.AUTO),
                new SweepPlanner(Duration.ofMinutes(20), Duration.ofSeconds(30)), T0, Duration.ofHours(1), T0,
                new CheckpointWrites.Commits() {
                    @Override
                    public void written() {
                    }

                    @Override
                    public void failed() {
                    }

                    @Override
                    public BotSeriesState series() {
                        return null;
                    }

                    @Override
                    public void restore(BotSeriesState series) {
                    }
                }, PageHints.NONE);

        assertTrue(ledger.seen("messages:", SeenIds.hash("ms-1")));
        assertFalse(ledger.seen("messages:", SeenIds.hash("ms-3")));
        ledger.remember("messages:korevg", SeenIds.hash("ms-3"), T0);
        assertEquals(3, ledger.seenCount());
    }
}
