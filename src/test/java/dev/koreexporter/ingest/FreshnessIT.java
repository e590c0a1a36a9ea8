package dev.koreexporter.ingest;

import dev.koreexporter.model.RecordKind;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Freshness against ground truth, on a manual clock (README, "How it reads Kore.ai" and "Metrics"): a quiet
 * bot reads its whole lookback every cycle from the first cycle after a start on, and
 * kore_exporter_record_delay_seconds observes exactly the records counted while the bot is caught up, each
 * with its delay from its own time to the cycle that counted it.
 */
class FreshnessIT {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final Instant FLOOR = T0.minus(IngestHarness.POLL.backfill());
    private static final String DELAY = "kore_exporter_record_delay_seconds";

    @TempDir
    Path stateDir;

    private final List<Instant> cycles = new ArrayList<>();

    private IngestHarness harness(double sessionsPerMinute, List<SimBot> bots) {
        ManualClock clock = new ManualClock(T0);
        LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults()
                .withPort(0).withSeed(20261202).withClock(clock).withBots(bots)
                .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(sessionsPerMinute)
                .withMaxLateness(Duration.ofMinutes(15))
                .withRateLimits(1_000_000, 10_000_000));
        return new IngestHarness(clock, sim, stateDir, sim.bots().stream().map(IngestHarness::configOf).toList());
    }

    private void cycle(IngestHarness h, IngestHarness.Run run) {
        h.clock.advance(IngestHarness.INTERVAL);
        run.pollers.forEach(BotPoller::runCycle);
        cycles.add(h.clock.instant());
    }

    private ReferenceReader reference() {
        return new ReferenceReader(IngestHarness.POLL.lookback(), IngestHarness.POLL.sweepInterval(), FLOOR);
    }

    /**
     * The reported symptom: 744 sessions in the backfill hour (7.4 pages), about 250 (2.5 pages) in the
     * lookback. Judged by the backfill the sessions stream was busy, so for 2.5 minutes after the start
     * sessions that closed were counted only if they had started in the last interval. Judged by its lookback
     * it is quiet: each of the first cycles counts exactly what a whole-lookback read counts.
     */
    @Test
    void aQuietBotCountsClosedSessionsWithinOneCycleAfterABackfillOfManyPages() {
        try (IngestHarness h = harness(12.4, SimulatorOptions.DEMO_BOTS.subList(1, 2))) {
            SimBot bot = h.sim.bots().getFirst();
            long backfill = h.sim.groundTruth().sessions(bot.botId(), T0).stream()
                    .filter(s -> !s.session().start().isBefore(FLOOR)).count();
            assertTrue(backfill > 3 * 100, "the backfill hour holds more than three pages: " + backfill);
            IngestHarness.Run run = h.start();
            for (int k = 0; k < 5; k++) {
                cycle(h, run);
                Instant t = cycles.getLast();
                long inLookback = h.sim.groundTruth().sessions(bot.botId(), t).stream()
                        .filter(s -> !s.session().start().isBefore(t.minus(IngestHarness.POLL.lookback()))).count();
                assertTrue(inLookback <= 3 * 100, "the lookback holds at most three pages: " + inLookback);
                long expected = reference().counted(h.sim.groundTruth(), bot.botId(), cycles, false).stream()
                        .filter(c -> c.kind() == RecordKind.SESSION && !c.at().isAfter(t)).count();
                assertEquals(expected, run.metrics().sum("kore_sessions_total", "bot", bot.name()),
                        "closed sessions counted by cycle " + k + " at " + t);
            }
        }
    }

    @Test
    void recordDelayObservesExactlyTheRecordsCountedWhileCaughtUpWithTheirGroundTruthDelays() {
        try (IngestHarness h = harness(1.5, SimulatorOptions.DEMO_BOTS)) {
            IngestHarness.Run run = h.start();
            cycle(h, run);
            assertTrue(run.metrics().sum("kore_messages_total") > 0, "the first cycle counted the backfill");
            assertEquals(0, run.metrics().sum(DELAY + "_count"), "nothing observed in the first cycle after a start");
            while (cycles.getLast().isBefore(T0.plus(Duration.ofMinutes(25)))) {
                cycle(h, run);
            }
            assertTrue(run.metrics().sum(DELAY + "_count") > 0);

            // An outage longer than the lookback: the cycle that catches up observes nothing, the next ones do.
            h.clock.advance(Duration.ofMinutes(30));
            double before = run.metrics().sum(DELAY + "_count");
            double countedBefore = run.metrics().sum("kore_messages_total");
            cycle(h, run);
            assertTrue(run.metrics().sum("kore_messages_total") > countedBefore, "the catch-up counted records");
            assertEquals(before, run.metrics().sum(DELAY + "_count"), "nothing observed while catching up");
            while (cycles.getLast().isBefore(T0.plus(Duration.ofMinutes(80)))) {
                cycle(h, run);
            }

            MetricsText m = run.metrics();
            for (SimBot bot : h.sim.bots()) {
                List<ReferenceReader.Counted> counted = reference().counted(h.sim.groundTruth(), bot.botId(), cycles,
                        bot.accountId() != null);
                assertEquals(counted.stream().filter(c -> c.kind() == RecordKind.MESSAGE).count(),
                        m.sum("kore_messages_total", "bot", bot.name()), "the reference reader is exact for " + bot.name());
                assertEquals(counted.stream().filter(c -> c.kind() == RecordKind.SESSION).count(),
                        m.sum("kore_sessions_total", "bot", bot.name()), "sessions of " + bot.name());
                List<ExpectedMetrics.Observation> observed = new ArrayList<>();
                for (ReferenceReader.Counted c : counted) {
                    int j = c.cycle();
                    boolean caughtUp = j > 0 && !Duration.between(cycles.get(j - 1), cycles.get(j))
                            .minus(IngestHarness.POLL.lookback()).isPositive();
                    if (caughtUp) {
                        observed.add(new ExpectedMetrics.Observation(
                                ExpectedMetrics.labels("bot", bot.name(), "kind", c.kind().label()),
                                Math.max(0, c.delaySeconds())));
                    }
                }
                assertTrue(observed.stream().anyMatch(o -> o.value() > 60), "some records landed late");
                Map<String, Double> expected = ExpectedMetrics.histogram(DELAY, observed);
                Map<String, Double> actual = new TreeMap<>();
                m.series().forEach((k, v) -> {
                    if (k.startsWith(DELAY) && k.contains("bot=\"" + bot.name() + "\"")) {
                        actual.put(k, v);
                    }
                });
                assertEquals(expected.keySet(), actual.keySet(), bot.name());
                expected.forEach((k, v) -> assertEquals(v, actual.get(k), k.contains("_sum") ? 1e-6 : 0, k));
            }
        }
    }
}
