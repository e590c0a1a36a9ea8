package dev.koreexporter.reliability;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 429 storms and the hourly budget: the bot goes down and recovers, never exceeding Kore.ai's limits. */
class FaultSuiteThrottlingIT {
    @TempDir
    Path stateDir;

    @ParameterizedTest(name = "Retry-After {0}")
    @ValueSource(booleans = {true, false})
    void rateLimitStormMarksTheBotDownThenRecoversExactly(boolean retryAfter) {
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(2))) {
            SimBot victim = h.sim.bots().getFirst();
            String other = h.sim.bots().get(1).name();
            FaultHarness.Run run = h.start();
            run.cycles(Duration.ofMinutes(10));
            assertEquals(1, run.up(victim.name()));

            h.sim.faults().set(Fault.rateLimitStorm(retryAfter).forBot(victim.botId()));
            run.cycles(Duration.ofMinutes(10));
            MetricsText during = run.metrics();
            assertEquals(0, during.value("kore_exporter_up", "bot", victim.name()));
            assertEquals(1, during.value("kore_exporter_up", "bot", other));
            assertTrue(during.sum("kore_exporter_api_throttled_total", "bot", victim.name()) > 0);
            assertTrue(during.sum("kore_exporter_api_requests_total", "bot", victim.name(), "code", "429") > 0);
            assertTrue(run.status(victim.name()).lastError().contains("429"), run.status(victim.name()).lastError());
            h.assertWithinRateLimits();

            h.sim.faults().clear();
            run.cycles(Duration.ofMinutes(5));
            assertEquals(1, run.up(victim.name()));
            Instant asOf = h.finish(run);
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, run.metrics().series());
            h.assertWithinRateLimits();
            assertTrue(h.sim.requestStats().bot(victim.botId()).throttled() >= 10, "the storm was seen");
        }
    }

    @Test
    void theHourlyBudgetIsSpentButNeverExceeded() {
        // A budget of 100 an hour is far below what an hour of backfill plus live traffic asks for at 1-minute
        // intervals: the limiter must hold requests back for long stretches and the exporter catch up later.
        // One bot: its waits move the shared clock, which would thin out a second bot's demand.
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(1).withRateLimits(60, 100))) {
            FaultHarness.Run run = h.start();
            run.cyclesUntil(FaultHarness.T0.plus(Duration.ofHours(2)));
            h.assertWithinRateLimits();
            Instant asOf = h.finish(run);
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, run.metrics().series());
            h.assertWithinRateLimits();
            for (SimBot b : h.sim.bots()) {
                RequestStats.BotStats s = h.sim.requestStats().bot(b.botId());
                assertEquals(100, s.maxPerHour(), b.name() + " used its whole hourly budget");
                assertEquals(0, s.throttled(), b.name() + " never ran into a 429: it throttled itself");
            }
        }
    }
}
