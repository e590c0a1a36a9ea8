package dev.koreexporter.reliability;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three bots for {@code soak.hours} simulated hours (default 1, seconds of real time; e.g.
 * {@code -Dsoak.hours=6} for the long run), with faults switched on and off every few minutes at random
 * (seeded: {@code -Dsoak.seed}) and a graceful restart halfway: exact against ground truth at the end and
 * never over the rate limits.
 */
class SoakIT {
    private static final List<Function<String, Fault>> FAULTS = List.of(
            bot -> Fault.rateLimitStorm(true).forBot(bot),
            bot -> Fault.rateLimitStorm(false).forBot(bot),
            bot -> Fault.serverError(500).forBot(bot),
            bot -> Fault.serverError(502).forBot(bot).times(3),
            bot -> Fault.serverError(503).forBot(bot).forEndpoint(Endpoint.GET_SESSIONS),
            bot -> Fault.of(FaultType.CONNECTION_RESET).forBot(bot).times(5),
            bot -> Fault.of(FaultType.MALFORMED_JSON).forBot(bot).forEndpoint(Endpoint.GET_MESSAGES_V2),
            bot -> Fault.of(FaultType.TRUNCATED_BODY).forBot(bot),
            bot -> Fault.of(FaultType.PAGE_SHIFT).forBot(bot),
            bot -> Fault.of(FaultType.BAD_RECORDS).forBot(bot),
            bot -> Fault.clockSkew(Duration.ofMinutes(3)).forBot(bot),
            bot -> Fault.clockSkew(Duration.ofMinutes(-3)).forBot(bot));

    @TempDir
    Path stateDir;

    @Test
    void hoursOfMixedFaultsEndExactAndWithinTheRateLimits() {
        long hours = Long.getLong("soak.hours", 1);
        Random random = new Random(Long.getLong("soak.seed", 7));
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(3))) {
            Instant end = FaultHarness.T0.plus(Duration.ofHours(hours));
            Instant restartAt = FaultHarness.T0.plus(Duration.ofMinutes(30 * hours));
            FaultHarness.Run run = h.start();
            boolean restarted = false;
            while (h.clock.instant().isBefore(end)) {
                h.sim.faults().clear();
                for (SimBot b : h.sim.bots()) {
                    if (random.nextInt(3) > 0) {
                        h.sim.faults().set(FAULTS.get(random.nextInt(FAULTS.size())).apply(b.botId()));
                    }
                }
                run.cycles(Duration.ofMinutes(2 + random.nextInt(6)));
                if (!restarted && !h.clock.instant().isBefore(restartAt)) {
                    run.stopGracefully();
                    run = h.start();
                    restarted = true;
                }
                h.assertWithinRateLimits();
            }
            h.sim.faults().clear();
            Instant asOf = h.finish(run);
            FaultHarness.Run last = run;
            h.sim.bots().forEach(b -> assertEquals(1, last.up(b.name()), b.name() + " is up at the end"));
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, h.totals());
            h.assertWithinRateLimits();
        }
    }
}
