package dev.koreexporter.ingest;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MetricsText;
import dev.koreexporter.testing.TestConfig;
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
        return harness(sessionsPerMinute, bots, IngestHarness.POLL);
    }

    private IngestHarness harness(double sessionsPerMinute, List<SimBot> bots, ExporterConfig.Poll poll) {
        ManualClock clock = new ManualClock(T0);
        LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults()
                .withPort(0).withSeed(20261202).withClock(clock).withBots(bots)
                .withHistory(poll.backfill()).withSessionsPerMinutePerBot(sessionsPerMinute)
                .withMaxLateness(Duration.ofMinutes(15))
                .withRateLimits(1_000_000, 10_000_000));
        return new IngestHarness(clock, sim, stateDir, sim.bots().stream().map(IngestHarness::configOf).toList(),
                ReadOptions.DEFAULT, poll);
    }

    private void cycle(IngestHarness h, IngestHarness.Run run) {
        h.clock.advance(IngestHarness.INTERVAL);
        run.pollers.forEach(BotPoller::runCycle);
        cycles.add(h.clock.instant());
    }

    private ReferenceReader reference() {
        return reference(IngestHarness.POLL);
    }

    private ReferenceReader reference(ExporterConfig.Poll poll) {
        return new ReferenceReader(poll.lookback(), poll.sessionHorizon(), T0.minus(poll.backfill()));
    }

    /**
     * The reported symptom, with getSessions' pages of 1,000 and the session horizon (1 h) the sessions stream
     * re-reads: 3,120 sessions in a 4 h backfill (3.1 pages), 780 in the horizon. Judged by the backfill the
     * sessions stream would be busy, so for a sweep interval after the start sessions that closed would be counted
     * only if they had started in the last interval. Judged by its horizon it is quiet: each of the first cycles
     * counts exactly what a whole re-read counts.
     */
    @Test
    void aQuietBotCountsClosedSessionsWithinOneCycleAfterABackfillOfManyPages() {
        ExporterConfig.Poll poll = TestConfig.builder().set("poll.interval", IngestHarness.INTERVAL)
                .set("poll.lookback", IngestHarness.POLL.lookback()).set("poll.backfill", Duration.ofHours(4)).poll();
        int page = Endpoint.GET_SESSIONS.pageSize();
        try (IngestHarness h = harness(13, SimulatorOptions.DEMO_BOTS.subList(1, 2), poll)) {
            SimBot bot = h.sim.bots().getFirst();
            long backfill = h.sim.groundTruth().sessions(bot.botId(), T0).stream()
                    .filter(s -> !s.session().start().isBefore(T0.minus(poll.backfill()))).count();
            assertTrue(backfill > 3 * page, "the backfill holds more than three pages: " + backfill);
            IngestHarness.Run run = h.start();
            for (int k = 0; k < 5; k++) {
                cycle(h, run);
                Instant t = cycles.getLast();
                long inHorizon = h.sim.groundTruth().sessions(bot.botId(), t).stream()
                        .filter(s -> !s.session().start().isBefore(t.minus(poll.sessionHorizon()))).count();
                assertTrue(inHorizon <= 3 * page, "the horizon holds at most three pages: " + inHorizon);
                long expected = reference(poll).counted(h.sim.groundTruth(), bot.botId(), cycles, false).stream()
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
