package dev.koreexporter.bench;

import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.PostgresCluster;
import dev.koreexporter.testing.SharedStateLab;
import dev.koreexporter.testing.SharedStateLab.Replica;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replicas sharing state in PostgreSQL (README "Running several replicas"), as processes on a simulator process and a
 * throwaway PostgreSQL: the database's load while they poll (row writes and WAL bytes per bot-hour, checkpoint size)
 * and how long after a replica's kill -9 its bots are polled again elsewhere, against the lease plus one poll interval.
 * At the defaults (30 s lease, 30 s interval); {@code --tiny}: a 5 s lease and a 1 s interval, seconds long.
 */
final class SharedStateBench {
    private SharedStateBench() {
    }

    static List<Row> run(Benchmark.Options o) throws Exception {
        boolean tiny = o.tiny();
        Duration lease = Duration.ofSeconds(tiny ? 5 : 30);
        Duration interval = Duration.ofSeconds(tiny ? 1 : 30);
        Duration window = tiny ? Duration.ofSeconds(8) : Duration.ofMinutes(5);
        int botCount = tiny ? 3 : 6;
        int replicas = tiny ? 2 : 3;
        Path dir = Files.createTempDirectory("kore-bench-replicas");
        try (PostgresCluster pg = new PostgresCluster()) {
            pg.start();
            String url = pg.database("bench");
            List<String> classPath = List.of("-cp", System.getProperty("java.class.path"));
            try (SharedStateLab lab = new SharedStateLab(dir, url, botCount, lease, interval, 40, o.exporterLaunch(),
                    classPath, "--rate", tiny ? "2" : "10")) {
                List<Replica> started = new ArrayList<>();
                for (int i = 0; i < replicas; i++) {
                    started.add(lab.start("replica-" + i));
                }
                started.forEach(lab::awaitReady);
                List<Row> rows = new ArrayList<>(load(pg, url, window, botCount));
                rows.addAll(takeover(lab, lease, interval));
                return rows;
            }
        }
    }

    /**
     * Rows written (lease renewals, heartbeats, checkpoints, request log) and WAL over {@code window}, per bot-hour;
     * checkpoint size.
     */
    private static List<Row> load(PostgresCluster pg, String url, Duration window, int bots) throws Exception {
        double[] before = counters(pg, url);
        Thread.sleep(window.toMillis());
        double[] after = counters(pg, url);
        double botHours = bots * window.toMillis() / 3_600_000.0;
        double writes = (after[0] - before[0]) / botHours;
        double requestRows = (after[2] - before[2]) / botHours;
        double walMiB = (after[1] - before[1]) / botHours / (1024 * 1024);
        double[] size = checkpointSize(pg, url);
        return List.of(
                Row.atMost("replicas.db.writes", "PostgreSQL row writes per bot-hour (renewals, heartbeats, checkpoints,"
                        + " request log)", writes, "writes", 1_500),
                Row.info("replicas.db.requests", "of which request log rows (one per request, deleted after an hour)",
                        requestRows, "writes"),
                Row.atMost("replicas.db.wal", "PostgreSQL WAL per bot-hour", walMiB, "MiB", 64),
                Row.info("replicas.checkpoint.bytes", "checkpoint per bot: JSON bytes written (same as the file)", size[0],
                        "bytes"),
                Row.info("replicas.checkpoint.stored", "checkpoint per bot: bytes stored (TOAST-compressed)", size[1],
                        "bytes"));
    }

    /** Row writes on the exporter's tables and the WAL position in bytes, after the statistics are flushed. */
    private static double[] counters(PostgresCluster pg, String url) throws SQLException, InterruptedException {
        // Backends report their table statistics within a second of going idle.
        Thread.sleep(1_500);
        try (Connection c = pg.connectUrl(url); Statement s = c.createStatement()) {
            double rows = single(s, "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"
                    + " WHERE relname IN ('kore_exporter_bots', 'kore_exporter_replicas', 'kore_exporter_requests')");
            double wal = single(s, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')");
            double requests = single(s, "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM"
                    + " pg_stat_user_tables WHERE relname = 'kore_exporter_requests'");
            return new double[]{rows, wal, requests};
        }
    }

    private static double[] checkpointSize(PostgresCluster pg, String url) throws SQLException {
        try (Connection c = pg.connectUrl(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT avg(octet_length(checkpoint)), avg(pg_column_size(checkpoint))"
                     + " FROM kore_exporter_bots WHERE checkpoint IS NOT NULL")) {
            r.next();
            return new double[]{r.getDouble(1), r.getDouble(2)};
        }
    }

    /** kill -9 of the replica holding the most bots: until each of them is polled elsewhere (up 1 there). */
    private static List<Row> takeover(SharedStateLab lab, Duration lease, Duration interval) throws Exception {
        Map<String, List<String>> exporters = lab.exporters();
        Replica victim = lab.live().stream().max(Comparator.comparingLong(r -> exporters.values().stream()
                .filter(by -> by.contains(r.name())).count())).orElseThrow();
        Set<String> bots = SharedStateLab.exportedBots(lab.scrape(victim));
        long t0 = System.nanoTime();
        lab.kill9(victim);
        long deadline = t0 + lease.plus(interval).multipliedBy(4).toNanos();
        while (System.nanoTime() < deadline && !polledElsewhere(lab, bots)) {
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double target = lease.plus(interval).toMillis() / 1000.0;
        return List.of(Row.atMost("replicas.takeover", "kill -9 of a replica -> its " + bots.size()
                + " bot(s) polled elsewhere (lease " + lease.toSeconds() + " s + interval " + interval.toSeconds() + " s)",
                seconds, "s", target));
    }

    private static boolean polledElsewhere(SharedStateLab lab, Set<String> bots) {
        try {
            int polled = 0;
            for (Replica r : lab.live()) {
                MetricsText m = lab.scrape(r);
                for (String bot : bots) {
                    polled += m.series().containsKey("kore_exporter_up{bot=\"" + bot + "\"}")
                            && m.value("kore_exporter_up", "bot", bot) == 1.0 ? 1 : 0;
                }
            }
            return polled == bots.size();
        } catch (Exception e) {
            return false;
        }
    }

    private static double single(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getDouble(1);
        }
    }
}
