package dev.koreexporter.postgres;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Secret;
import dev.koreexporter.kore.RateLimiter;
import dev.koreexporter.kore.Sleeper;
import dev.koreexporter.kore.Ticker;
import dev.koreexporter.poll.Checkpoint;
import dev.koreexporter.poll.CheckpointJson;
import dev.koreexporter.poll.CorruptCheckpointException;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.PostgresCluster;
import dev.koreexporter.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PostgreSQL state store against a real server (README "Running several replicas"): tables and their version, leases
 * judged by the database's clock, fenced checkpoint writes, and a store that goes down and comes back.
 */
class PostgresStateTest {
    @RegisterExtension
    static final PostgresCluster PG = new PostgresCluster();
    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void tablesAreCreatedWhenMissingWithTheirVersionAndANewerSchemaIsRefused() throws Exception {
        String url = PG.database("schema");
        try (Database db = database(url)) {
            Schema.prepare(db, List.of("a", "b"));
            Schema.prepare(db, List.of("a", "c"));
        }
        try (Connection c = PG.connectUrl(url); Statement s = c.createStatement()) {
            assertEquals(List.of("1"), column(s, "SELECT version FROM kore_exporter_schema"));
            assertEquals(List.of("a", "b", "c"), column(s, "SELECT bot FROM kore_exporter_bots ORDER BY bot"));
            s.execute("UPDATE kore_exporter_schema SET version = 2");
        }
        try (Database db = database(url)) {
            Schema.TooNew e = assertThrows(Schema.TooNew.class, () -> Schema.prepare(db, List.of("a")));
            assertEquals("the database holds the kore-exporter schema version 2, newer than this release's (1): run the"
                    + " release that created it, or a newer one, or use another database", e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> SharedState.open(config(url), Ticker.SYSTEM));
        assertEquals(List.of("state.postgresql.url: the database holds the kore-exporter schema version 2, newer than"
                + " this release's (1): run the release that created it, or a newer one, or use another database"),
                e.problems());
        try (Connection c = PG.connectUrl(url); Statement s = c.createStatement()) {
            assertEquals(List.of("2"), column(s, "SELECT version FROM kore_exporter_schema"), "left as it was");
        }
    }

    @Test
    void aLeaseIsHeldByOneReplicaAtATimeAndRunsOutByTheDatabasesClock() throws Exception {
        String url = PG.database("lease");
        try (Database db = database(url)) {
            Schema.prepare(db, List.of("bot"));
            LeaseTable a = new LeaseTable("replica-a", LEASE);
            LeaseTable b = new LeaseTable("replica-b", LEASE);
            assertEquals(OptionalLong.of(1), a.acquire(db, "bot"));
            assertEquals(OptionalLong.empty(), b.acquire(db, "bot"), "held by a");
            assertEquals(OptionalLong.of(2), a.acquire(db, "bot"),
                    "its holder takes it again under a new token (after it ran out by the holder's own clock)");
            assertEquals(Map.of(), a.round(db, Map.of("bot", 1L), List.of("bot")).renewed(), "token 1 is stale");

            LeaseTable.Round round = a.round(db, Map.of("bot", 2L), List.of("bot"));
            assertEquals(Map.of("bot", 2L), round.renewed());
            assertEquals(List.of("replica-a"), round.live());
            assertEquals("replica-a", round.rows().get("bot").owner());
            assertTrue(round.rows().get("bot").remainingMillis() > LEASE.toMillis() - 5_000);
            assertEquals(Map.of(), b.round(db, Map.of("bot", 2L), List.of("bot")).renewed(), "b holds nothing");

            // The lease runs out when the database's clock says so, whatever the replicas' clocks say.
            expireByTheDatabasesClock(url, "bot");
            assertEquals(Map.of(), a.round(db, Map.of("bot", 2L), List.of("bot")).renewed(), "run out: not renewed");
            assertEquals(OptionalLong.of(3), b.acquire(db, "bot"), "a new holder, a new fencing token");
            LeaseTable.Round seen = a.round(db, Map.of(), List.of("bot"));
            assertEquals(new TreeSet<>(List.of("replica-a", "replica-b")), new TreeSet<>(seen.live()));
            assertEquals("replica-b", seen.rows().get("bot").owner());
            assertEquals(3, seen.rows().get("bot").token());

            b.leave(db);
            LeaseTable.Round after = a.round(db, Map.of(), List.of("bot"));
            assertEquals(List.of("replica-a"), after.live(), "a replica that left is not live");
            assertTrue(after.rows().get("bot").free(), "and holds no lease");
        }
    }

    @Test
    void aCheckpointWriteUnderAStaleTokenIsRefused() throws Exception {
        String url = PG.database("fencing");
        try (Database db = database(url)) {
            Schema.prepare(db, List.of("bot"));
            LeaseTable a = new LeaseTable("replica-a", LEASE);
            LeaseTable b = new LeaseTable("replica-b", LEASE);
            long tokenA = a.acquire(db, "bot").orElseThrow();
            LeaseBook bookA = new LeaseBook(LEASE, Ticker.SYSTEM, (bot, token) -> {
            });
            bookA.acquired("bot", tokenA, Ticker.SYSTEM.nanos());
            PostgresCheckpointStore storeA = new PostgresCheckpointStore(db, a, bookA);
            Checkpoint first = checkpoint(1_000);
            storeA.save("bot", first);
            assertArrayEquals(CheckpointJson.bytes(first), CheckpointJson.bytes(storeA.load("bot").orElseThrow()),
                    "the same content as the file store's");

            expireByTheDatabasesClock(url, "bot");
            IOException ranOut = assertThrows(IOException.class, () -> storeA.save("bot", checkpoint(2_000)));
            assertEquals("the state store refused it: this replica's lease on the bot (token 1) has run out or another"
                    + " replica holds it now", ranOut.getMessage(), "refused once run out, even before another holder");

            long tokenB = b.acquire(db, "bot").orElseThrow();
            assertEquals(2, tokenB);
            assertFalse(a.write(db, "bot", tokenA, CheckpointJson.bytes(checkpoint(3_000))), "a's token is stale");
            assertThrows(IOException.class, () -> storeA.save("bot", checkpoint(3_000)));
            assertTrue(b.write(db, "bot", tokenB, CheckpointJson.bytes(checkpoint(4_000))));
            assertEquals(4_000, storeA.load("bot").orElseThrow().floor(), "only the holder's write is there");
        }
    }

    @Test
    void aReplicaThatTakesABotOverPacesByTheRequestsThePreviousHolderSent() throws Exception {
        String url = PG.database("requests");
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
        Instant t0 = clock.instant();
        List<Duration> waits = new CopyOnWriteArrayList<>();
        Sleeper sleeper = d -> {
            waits.add(d);
            clock.advance(d);
        };
        // Kore.ai's 60/min, and an hour's budget small enough to spend in the test.
        ExporterConfig.RateLimit limit = new ExporterConfig.RateLimit(60, 62);
        try (Database db = database(url)) {
            Schema.prepare(db, List.of("bot"));
            Replica a = new Replica("replica-a", db, clock, limit, sleeper);
            Replica b = new Replica("replica-b", db, clock, limit, sleeper);

            b.take(db);
            b.send(5);
            clock.advance(Duration.ofSeconds(10));
            expireByTheDatabasesClock(url, "bot");
            a.take(db);
            a.send(55);
            assertEquals(List.of(), waits, "60 in the minute, the two replicas' together");

            expireByTheDatabasesClock(url, "bot");
            b.take(db);
            b.send(1);
            assertEquals(List.of(Duration.ofMillis(50_500)), waits,
                    "taken back right after a spent the minute's budget: waits until b's first requests leave the"
                            + " minute (60.5 s with the safety margin), not at all by its own log alone");
            assertEquals(t0.plusMillis(60_500), clock.instant());

            // A restarted process is another replica: it reads every request of the hour, whoever sent it.
            clock.advance(Duration.ofMinutes(2));
            expireByTheDatabasesClock(url, "bot");
            Replica c = new Replica("replica-c", db, clock, limit, sleeper);
            c.take(db);
            waits.clear();
            c.send(2);
            assertEquals(1, waits.size(), "the hour's 62nd request goes at once, the 63rd waits: " + waits);
            assertEquals(t0.plus(Duration.ofHours(1)).plusMillis(500), clock.instant(),
                    "until the hour's first request leaves it");

            clock.advance(Duration.ofHours(2));
            c.send(1);
            try (Connection conn = PG.connectUrl(url); Statement s = conn.createStatement()) {
                assertEquals(List.of("1"), column(s, "SELECT count(*) FROM kore_exporter_requests"),
                        "rows older than an hour are deleted");
            }
        }
    }

    /** A replica's lease on the bot and its rate limiter for the bot, logging to the database. */
    private static final class Replica {
        private final LeaseTable table;
        private final LeaseBook book;
        private final RateLimiter limiter;

        Replica(String id, Database db, ManualClock clock, ExporterConfig.RateLimit limit, Sleeper sleeper) {
            this.table = new LeaseTable(id, LEASE);
            this.book = new LeaseBook(LEASE, Ticker.SYSTEM, (bot, token) -> {
            });
            this.limiter = new RateLimiter(limit, clock, Ticker.of(clock), sleeper,
                    new PostgresRequestLog(db, "bot", id, book, clock));
        }

        void take(Database db) throws SQLException {
            book.acquired("bot", table.acquire(db, "bot").orElseThrow(), Ticker.SYSTEM.nanos());
        }

        void send(int n) throws InterruptedException {
            for (int i = 0; i < n; i++) {
                limiter.acquire();
            }
        }
    }

    @Test
    void aReplicaHoldsALeaseByItsOwnMonotonicClockForLessThanTheDatabase() {
        long[] now = {0};
        List<String> released = new ArrayList<>();
        LeaseBook book = new LeaseBook(Duration.ofSeconds(10), () -> now[0], (bot, token) -> released.add(bot + "/" + token));
        book.acquired("bot", 7, 0);
        now[0] = Duration.ofMillis(8_999).toNanos();
        assertTrue(book.holds("bot"));
        assertEquals(1, book.owned());
        now[0] = Duration.ofSeconds(9).toNanos();
        assertFalse(book.holds("bot"), "a tenth of the lease before the database's end, counted from the request");
        assertEquals(0, book.owned());
        assertEquals(Map.of(), book.renewable(), "a lease run out here is never renewed");
        assertEquals(List.of("bot"), book.expire());
        assertTrue(book.known("bot"), "lost, but not taken again before its slot let it go");
        book.release("bot");
        assertFalse(book.known("bot"));
        assertEquals(List.of(), released, "a lost lease is not given up in the database: it is not ours");

        book.acquired("bot", 8, now[0]);
        long sent = now[0] + Duration.ofSeconds(5).toNanos();
        now[0] = sent + Duration.ofMillis(100).toNanos();
        book.renewed(Map.of("bot", 8L), Map.of("bot", 8L), sent);
        now[0] = sent + Duration.ofMillis(8_999).toNanos();
        assertTrue(book.holds("bot"), "renewed from when the renewal was sent");
        book.leave("bot");
        assertFalse(book.holds("bot"), "being handed over: neither polled nor exported");
        assertTrue(book.leaving("bot"));
        assertEquals(OptionalLong.of(8), book.token("bot"), "its final checkpoint is written under its token");
        book.release("bot");
        assertEquals(List.of("bot/8"), released);

        book.acquired("other", 9, now[0]);
        book.renewed(Map.of("other", 9L), Map.of(), now[0]);
        assertFalse(book.holds("other"), "the database did not renew it: lost at once");
    }

    @Test
    void withTheDatabaseDownAReplicaKeepsNoLeaseAndTakesItsBotsAgainWhenItIsBack() throws Exception {
        String url = PG.database("down");
        ExporterConfig config = config(url);
        List<String> woken = new CopyOnWriteArrayList<>();
        try (SharedState shared = SharedState.open(config, Ticker.SYSTEM)) {
            // As a bot's slot does when woken: a bot no longer held is stopped and let go.
            shared.start(bot -> {
                woken.add(bot);
                if (!shared.ownership().holds(bot)) {
                    shared.ownership().release(bot);
                }
            });
            assertTrue(shared.up());
            assertEquals(2, shared.owned(), "one replica holds every bot");
            assertEquals(null, shared.problem());
            long stopped = System.nanoTime();
            PG.stop();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> shared.owned() == 0);
                long heldFor = Duration.ofNanos(System.nanoTime() - stopped).toMillis();
                assertTrue(heldFor < 5_000, "no lease kept past its end (5 s): " + heldFor + " ms");
                assertFalse(shared.up());
                assertTrue(shared.problem().startsWith("the state store cannot be reached ("), shared.problem());
                assertFalse(shared.problem().contains(PostgresCluster.PASSWORD));
                assertTrue(woken.containsAll(List.of("a", "b")), "their slots are told at once: " + woken);
            } finally {
                PG.start();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> shared.up() && shared.owned() == 2);
            assertEquals(null, shared.problem());
            try (Connection c = PG.connectUrl(url); Statement s = c.createStatement()) {
                assertEquals(List.of("2", "2"), column(s, "SELECT token FROM kore_exporter_bots ORDER BY bot"),
                        "taken again, under new tokens");
            }
        }
        try (Connection c = PG.connectUrl(url); Statement s = c.createStatement()) {
            assertEquals(List.of(), column(s, "SELECT id FROM kore_exporter_replicas"), "closed: left");
            assertEquals(List.of(), column(s, "SELECT bot FROM kore_exporter_bots WHERE owner IS NOT NULL"));
        }
    }

    @Test
    void theDaemonStartsWithTheDatabaseDownAndSaysSo() {
        ExporterConfig config = config("jdbc:postgresql://127.0.0.1:" + unusedPort() + "/nothing");
        try (SharedState shared = SharedState.open(config, Ticker.SYSTEM)) {
            assertFalse(shared.up());
            assertEquals(0, shared.owned());
            assertTrue(shared.problem().contains("cannot be reached"), shared.problem());
        }
    }

    private static int unusedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExporterConfig config(String url) {
        return TestConfig.builder()
                .set("state.store", "postgresql")
                .set("state.postgresql.url", url)
                .set("state.postgresql.user", PostgresCluster.USER)
                .set("state.postgresql.password", PostgresCluster.PASSWORD)
                .set("state.lease-duration", "5s")
                .bot("a", "st-a", "cs-a", "secret-a")
                .bot("b", "st-b", "cs-b", "secret-b")
                .build();
    }

    private static Database database(String url) {
        return new Database(new ExporterConfig.Postgresql(url, PostgresCluster.USER, new Secret(PostgresCluster.PASSWORD)),
                Duration.ofSeconds(5), "test");
    }

    /** Built from the file store's JSON, so that it holds whatever a checkpoint holds. */
    private static Checkpoint checkpoint(long floor) throws IOException {
        return CheckpointJson.parse(("{\"version\":2,\"botId\":\"st-bot\",\"floor\":" + floor
                + ",\"watermarks\":{\"sessions\":" + floor + "},\"activeSessions\":{},\"closedSessions\":[],"
                + "\"seenHashes\":{\"sessions\":[42," + floor + "]}}").getBytes(StandardCharsets.UTF_8),
                why -> new CorruptCheckpointException("test", why, "fix the test"));
    }

    private static void expireByTheDatabasesClock(String url, String bot) throws SQLException {
        try (Connection c = PG.connectUrl(url); Statement s = c.createStatement()) {
            s.execute("UPDATE kore_exporter_bots SET lease_until = now() - interval '1 millisecond' WHERE bot = '"
                    + bot + "'");
        }
    }

    private static List<String> column(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    @SuppressWarnings("unused")
    private static Set<String> set(String... values) {
        return Set.of(values);
    }
}
