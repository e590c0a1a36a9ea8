package dev.koreexporter.ingest;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.TestConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graceful restart of a bot whose message streams are busy (more than three pages in the lookback, so they
 * sweep it only every {@code poll.sweep-interval}): the last sweep ended up to a sweep interval before the
 * watermark, and records landing late after it must still be read after the restart, each counted once
 * (README, "How it reads Kore.ai").
 */
class BusyStreamRestartIT {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Duration LOOKBACK = Duration.ofMinutes(20);

    @TempDir
    Path stateDir;

    /**
     * getMessages v1 (100 a page) makes a few hundred messages a busy stream. The first run stops after three
     * cycles: a backfill sweep and two reads from an interval before the watermark.
     */
    @ParameterizedTest(name = "sweep-interval {0}, server ignores channelType: {1}")
    @CsvSource({"PT2M30S, false", "PT10M, false", "PT10M, true"})
    void lateRecordsOfABusyStreamAreCountedOnceAcrossAGracefulRestart(Duration sweepInterval, boolean ignoreChannel) {
        ExporterConfig.Poll poll = TestConfig.builder().set("poll.interval", INTERVAL).set("poll.lookback", LOOKBACK)
                .set("poll.backfill", IngestHarness.POLL.backfill()).set("poll.sweep-interval", sweepInterval)
                // Longer than any simulated session takes to be reported closed: every closed session counts.
                .set("poll.session-horizon", Duration.ofHours(2)).poll();
        ManualClock clock = new ManualClock(T0);
        LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults()
                .withPort(0).withSeed(20261203).withClock(clock)
                .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(5)
                .withMaxLateness(LOOKBACK.minusSeconds(10))
                .withRateLimits(1_000_000, 10_000_000));
        try (IngestHarness h = new IngestHarness(clock, sim, stateDir,
                sim.bots().stream().map(IngestHarness::configOf).toList(),
                new ReadOptions(false, MessagesApi.V1), poll)) {
            if (ignoreChannel) {
                sim.faults().set(Fault.of(FaultType.IGNORE_CHANNEL_TYPE));
            }
            IngestHarness.Run first = h.start();
            first.cyclesUntil(T0.plus(INTERVAL.multipliedBy(3)));
            assertBusy(h);
            first.stopGracefully();

            IngestHarness.Run second = h.start();
            second.cyclesUntil(T0.plus(Duration.ofMinutes(30)));
            sim.pauseTraffic();
            // Until the last session (at most an hour long) has closed, landed and been re-read.
            second.cyclesUntil(clock.instant().plus(Duration.ofHours(1)).plus(LOOKBACK).plus(sweepInterval)
                    .plus(INTERVAL.multipliedBy(2)));
            IngestGroundTruthIT.assertMatchesGroundTruth(h, h.totals(), false);
        }
    }

    /** Some channel stream holds more than three v1 pages in its lookback. */
    private static void assertBusy(IngestHarness h) {
        Instant now = h.clock.instant();
        StringBuilder seen = new StringBuilder();
        for (SimBot bot : h.sim.bots()) {
            for (String channel : bot.channels()) {
                long inLookback = h.sim.groundTruth().messages(bot.botId(), now.minus(LOOKBACK), now, now).stream()
                        .map(TruthMessage::message).filter(m -> m.channel().equals(channel)).count();
                seen.append(' ').append(bot.name()).append('/').append(channel).append('=').append(inLookback);
                if (inLookback > 300) {
                    return;
                }
            }
        }
        throw new AssertionError("no busy stream:" + seen);
    }
}
