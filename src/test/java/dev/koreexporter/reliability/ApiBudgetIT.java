package dev.koreexporter.reliability;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kore_exporter_api_budget_used_ratio against what the simulator received (README, "Metrics"): at every scrape,
 * the requests the simulator saw from the bot in the trailing minute and hour (429s included) over the limits.
 */
class ApiBudgetIT {
    /** The rate limiter's windows: Kore.ai's plus its half-second safety margin (README, "How it reads Kore.ai"). */
    private static final Duration MINUTE = Duration.ofMillis(60_500);
    private static final Duration HOUR = Duration.ofMillis(3_600_500);

    @TempDir
    Path stateDir;

    /** One cycle as the simulator saw it: the clock span it ran in and the requests that arrived meanwhile. */
    private record Cycle(Instant from, Instant to, long requests) {
    }

    @Test
    void theRatioIsTheRequestsTheSimulatorReceivedInEachTrailingWindowOverTheLimit() {
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(1))) {
            SimBot bot = h.sim.bots().getFirst();
            FaultHarness.Run run = h.start();
            List<Cycle> cycles = new ArrayList<>();
            int checked = 0;
            while (h.clock.instant().isBefore(FaultHarness.T0.plus(Duration.ofMinutes(90)))) {
                if (cycles.size() == 30) {
                    h.sim.faults().set(Fault.rateLimitStorm(false).forBot(bot.botId()));
                } else if (cycles.size() == 33) {
                    h.sim.faults().clear();
                }
                long before = h.sim.requestStats().bot(bot.botId()).total();
                h.clock.advance(FaultHarness.INTERVAL);
                Instant from = h.clock.instant();
                run.round();
                cycles.add(new Cycle(from, h.clock.instant(), h.sim.requestStats().bot(bot.botId()).total() - before));
                // Scrape a little later, away from the edge of the cycle just run.
                h.clock.advance(Duration.ofSeconds(10));
                Instant now = h.clock.instant();
                Long minute = inWindow(cycles, now.minus(MINUTE));
                Long hour = inWindow(cycles, now.minus(HOUR));
                var m = run.metrics();
                if (minute != null && hour != null) {
                    assertEquals(minute / 60.0, m.value("kore_exporter_api_budget_used_ratio", "bot", bot.name(),
                            "window", "1m"), 1e-9, "1m at " + now);
                    assertEquals(hour / 1800.0, m.value("kore_exporter_api_budget_used_ratio", "bot", bot.name(),
                            "window", "1h"), 1e-9, "1h at " + now);
                    checked++;
                }
            }
            assertTrue(checked >= 60, "scrapes checked: " + checked);
            assertTrue(h.sim.requestStats().bot(bot.botId()).throttled() > 0, "429s were among the requests");
            assertTrue(cycles.stream().mapToLong(Cycle::requests).sum() > 1800 / 4, "a real share of the budget was used");
            h.assertWithinRateLimits();
        }
    }

    /** Requests that arrived after {@code start}, or null when a cycle straddles it (the split is unknown). */
    private static Long inWindow(List<Cycle> cycles, Instant start) {
        long n = 0;
        for (Cycle c : cycles) {
            if (!c.from().isAfter(start) && !c.to().isBefore(start) && c.requests() > 0) {
                return null;
            }
            if (c.from().isAfter(start)) {
                n += c.requests();
            }
        }
        return n;
    }
}
