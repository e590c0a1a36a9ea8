package dev.koreexporter.reliability;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter's clock runs two hours fast for a while, then is stepped back (NTP catching up): windows end
 * at Kore.ai's time (its Date headers), so the watermark never runs ahead of what Kore.ai has, the lag shows
 * the fast clock while it lasts, the step is counted, and every record is still read and counted exactly.
 */
class FaultSuiteClockIT {
    private static final Duration FAST = Duration.ofHours(2);

    @TempDir
    Path stateDir;

    /** The exporter's clock: Kore.ai's (the simulator's) plus an offset the test sets. */
    private static final class OffsetClock extends Clock {
        private final Clock base;
        private volatile Duration offset = Duration.ZERO;

        OffsetClock(Clock base) {
            this.base = base;
        }

        @Override
        public Instant instant() {
            return base.instant().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void aClockSteppedBackTwoHoursAfterRunningFastSkipsNothing() {
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(2))) {
            OffsetClock local = new OffsetClock(h.clock);
            FaultHarness.Run run = h.start(local);
            run.cycles(Duration.ofMinutes(10));

            local.offset = FAST;
            run.cycles(Duration.ofMinutes(30));
            MetricsText fast = run.metrics();
            for (SimBot b : h.sim.bots()) {
                assertEquals(1, fast.value("kore_exporter_up", "bot", b.name()), b.name() + " up while fast");
                double lag = fast.value("kore_exporter_watermark_lag_seconds", "bot", b.name());
                // Less the second by which a Date header may be late.
                assertTrue(lag >= FAST.toSeconds() - 1 && lag < FAST.toSeconds() + 300,
                        b.name() + ": the lag shows the fast clock: " + lag);
                assertEquals(0, fast.value("kore_exporter_clock_steps_back_total", "bot", b.name()));
            }

            local.offset = Duration.ZERO;
            run.cycles(Duration.ofMinutes(10));
            MetricsText after = run.metrics();
            for (SimBot b : h.sim.bots()) {
                assertEquals(1, after.value("kore_exporter_clock_steps_back_total", "bot", b.name()),
                        b.name() + ": one step back");
                assertEquals(1, after.value("kore_exporter_up", "bot", b.name()), b.name() + " up after the step");
                double lag = after.value("kore_exporter_watermark_lag_seconds", "bot", b.name());
                assertTrue(lag >= 0 && lag < 300, b.name() + ": lag back to normal: " + lag);
                assertTrue(after.sum("kore_exporter_api_requests_total", "bot", b.name(), "code", "200")
                                > fast.sum("kore_exporter_api_requests_total", "bot", b.name(), "code", "200"),
                        b.name() + ": still requesting after the step");
                assertTrue(after.sum("kore_messages_total", "bot", b.name())
                        > fast.sum("kore_messages_total", "bot", b.name()), b.name() + ": still counting");
                System.out.println("clock step: " + b.name() + " lag while 2 h fast " + fast.value(
                        "kore_exporter_watermark_lag_seconds", "bot", b.name()) + " s, after the step " + lag + " s");
            }

            Instant asOf = h.finish(run);
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, run.metrics().series());
            h.assertWithinRateLimits();
        }
    }
}
