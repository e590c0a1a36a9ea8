package dev.koreexporter.reliability;

import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.PostgresCluster;
import dev.koreexporter.testing.SharedStateLab;
import dev.koreexporter.testing.SharedStateLab.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicas sharing state in a real PostgreSQL, as real processes on the simulator (README "Running several replicas"):
 * three replicas; one killed with -9 while it polls; one paused (SIGSTOP) for longer than the lease and woken; a fourth
 * added; two removed; the database restarted. After each step every bot is exported by exactly one live replica, and
 * the counts summed over the live replicas equal ground truth: a bot's cumulative counts move with it, nothing is lost
 * or counted twice. The simulator is frozen for each comparison and let run again after it.
 */
class SharedStateProcessIT {
    @RegisterExtension
    static final PostgresCluster PG = new PostgresCluster();
    private static final Duration LEASE = Duration.ofSeconds(5);
    /*
     * Long enough that a bot's cycles ask for less than Kore.ai's 60/min: a replica taking a bot over is paced by the
     * requests its previous replica sent, so with a shorter interval every bot would use its whole budget and a moved
     * bot's first cycle would wait for the minute's budget, not for the lease.
     */
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void replicasShareTheBotsExactlyAcrossDeathPauseScalingAndADatabaseRestart() throws Exception {
        try (SharedStateLab lab = new SharedStateLab(tmp, PG.database("replicas"), 6, LEASE, INTERVAL, 60,
                "--lateness", "0s", "--rate", "2")) {
            List<Replica> three = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                three.add(lab.start(name));
            }
            three.forEach(lab::awaitReady);
            lab.awaitExact("three replicas");

            // kill -9 the replica holding the most bots, while it polls: its bots are taken over from their checkpoints.
            Replica victim = busiest(lab);
            Set<String> itsBots = bots(lab, victim);
            long t0 = System.nanoTime();
            lab.kill9(victim);
            awaitTakenOver(lab, itsBots);
            long takeover = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            System.out.printf("SharedStateProcessIT: %s's %d bot(s) taken over %d ms after kill -9 (lease %d s + poll"
                    + " interval %d s)%n", victim.name(), itsBots.size(), takeover, LEASE.toSeconds(), INTERVAL.toSeconds());
            Files.writeString(Path.of("target/shared-state-takeover-ms.txt"), takeover + "\n");
            assertTrue(takeover <= LEASE.plus(INTERVAL).toMillis() + 3_000,
                    "takeover within the lease + a cycle: " + takeover + " ms");
            lab.awaitExact("after kill -9 of " + victim.name());

            // SIGSTOP for longer than the lease: the others take its bots; woken, it exports none of them and counts
            // nothing they counted (its writes are fenced), then gets its share back from them by hand-over.
            Replica paused = busiest(lab);
            Set<String> lost = bots(lab, paused);
            lab.pause(paused, true);
            List<Replica> others = lab.live().stream().filter(r -> r != paused).toList();
            awaitTakenOverBy(lab, others, lost);
            lab.pause(paused, false);
            MetricsText woken = lab.scrape(paused);
            assertEquals(Set.of(), SharedStateLab.exportedBots(woken), "woken after the lease, it exports none of " + lost);
            assertEquals(0.0, woken.value("kore_exporter_owned_bots"));
            lab.awaitExact("after " + paused.name() + " paused past its lease and woken");

            // A fourth replica: it takes its share (about a quarter) from the others by hand-over.
            Replica fourth = lab.start("d");
            lab.awaitReady(fourth);
            lab.awaitExact("after adding " + fourth.name());
            System.out.printf("SharedStateProcessIT: the fourth replica took %d of %d bots%n",
                    bots(lab, fourth).size(), lab.bots().size());

            // Two removed (SIGTERM): they give their leases up after their final checkpoints.
            List<Replica> removed = lab.live().stream().limit(2).toList();
            for (Replica r : removed) {
                lab.terminate(r);
            }
            lab.awaitExact("after removing " + removed.stream().map(Replica::name).toList());

            // The database restarted: the replicas keep no lease meanwhile, are not ready, and take their bots back.
            PG.stop();
            try {
                for (Replica r : lab.live()) {
                    await(r.name() + " sees the store down").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                            .untilAsserted(() -> {
                                MetricsText m = lab.scrape(r);
                                assertEquals(0.0, m.value("kore_exporter_state_store_up"));
                                assertEquals(0.0, m.value("kore_exporter_owned_bots"));
                                assertEquals(Set.of(), SharedStateLab.exportedBots(m));
                                assertEquals(503, lab.get(r, "/health/ready").statusCode());
                            });
                }
            } finally {
                PG.start();
            }
            for (Replica r : lab.live()) {
                lab.awaitReady(r);
                assertEquals(1.0, lab.scrape(r).value("kore_exporter_state_store_up"));
            }
            lab.awaitExact("after the database restarted");
            for (Replica r : lab.live()) {
                assertFalse(Files.readString(lab.log(r)).contains(PostgresCluster.PASSWORD), "no password in the log");
            }
        }
    }

    private static Replica busiest(SharedStateLab lab) throws Exception {
        Map<String, List<String>> exporters = lab.exporters();
        return lab.live().stream().max(Comparator.comparingLong(r -> exporters.values().stream()
                .filter(by -> by.contains(r.name())).count())).orElseThrow();
    }

    private static Set<String> bots(SharedStateLab lab, Replica r) throws Exception {
        return new TreeSet<>(SharedStateLab.exportedBots(lab.scrape(r)));
    }

    private static void awaitTakenOver(SharedStateLab lab, Set<String> bots) {
        awaitTakenOverBy(lab, null, bots);
    }

    /** Until each of {@code bots} is exported, with {@code kore_exporter_up} 1, by exactly one of {@code by}. */
    private static void awaitTakenOverBy(SharedStateLab lab, List<Replica> by, Set<String> bots) {
        await("taken over: " + bots).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().untilAsserted(() -> {
                    for (String bot : bots) {
                        int holders = 0;
                        for (Replica r : by != null ? by : lab.live()) {
                            MetricsText m = lab.scrape(r);
                            if (SharedStateLab.exportedBots(m).contains(bot)) {
                                holders++;
                                assertEquals(1.0, m.value("kore_exporter_up", "bot", bot), bot + " on " + r.name());
                            }
                        }
                        assertEquals(1, holders, bot);
                    }
                });
    }
}
