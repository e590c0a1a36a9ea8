package dev.koreexporter.reliability;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.simulator.PageTime;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter against the simulator's recorded tenants (README "How it reads Kore.ai", "Development"): real pollers
 * and clients over HTTP, on a manual clock at Kore.ai's enforced limits, exact against ground truth for each way real
 * tenants were seen to serve: sessions reported closed long after they start (listed active meanwhile or not),
 * pages that hang above a size, apps that enforce JTI and a rotated secret, another consumer of the bot's budget,
 * Agent AI on a host of its own.
 */
class RealTenantIT {
    /** The default session horizon, as a user gets it. */
    private static final ExporterConfig.Poll POLL = TestConfig.builder().set("poll.interval", FaultHarness.INTERVAL)
            .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(1)).poll();

    @TempDir
    Path dir;

    /**
     * A seed whose sessions are reported closed either within the horizon or more than 5 minutes after it (about one
     * seed in 40 at this rate): then every session's outcome is fixed ({@code HorizonTruth}).
     */
    private static SimulatorOptions sim() {
        return FaultHarness.defaultSim(3).withSeed(20261127).withSessionsPerMinutePerBot(1.5);
    }

    /** An hour of traffic, then until every session's closure is reported and read: what was exported, exact. */
    private static Map<String, Double> runExact(FaultHarness h) {
        h.poll = POLL;
        FaultHarness.Run run = h.start();
        run.cycles(Duration.ofMinutes(60));
        Instant asOf = h.finish(run);
        Map<String, Double> exported = run.metrics().series();
        GroundTruthAssert.assertExact(h.sim, POLL, FaultHarness.FLOOR, asOf, exported, false, b -> true);
        for (SimBot b : h.sim.bots()) {
            assertEquals(1, run.up(b.name()), b.name() + " up");
        }
        return exported;
    }

    @Test
    void everySessionReportedClosedWithinTheHorizonCountsOnceWhetherOrNotActiveSessionsAreListed() {
        Map<Boolean, Map<String, Double>> sessions = new HashMap<>();
        for (boolean listed : new boolean[]{true, false}) {
            try (FaultHarness h = new FaultHarness(dir.resolve("listed-" + listed),
                    sim().withTenant(t -> t.withActiveSessionsListed(listed)))) {
                Map<String, Double> exported = runExact(h);
                h.assertWithinRateLimits();
                Instant asOf = h.clock.instant();
                // The horizon is not idle: sessions reported closed after it exist, and are not counted.
                assertTrue(h.sim.bots().stream().flatMap(b -> h.sim.groundTruth().sessions(b.botId(), asOf).stream())
                        .anyMatch(s -> !s.session().start().isBefore(FaultHarness.FLOOR) && s.reportedClosedBy(asOf)
                                && !s.closureReportedWithin(POLL.sessionHorizon())), "a session closes too late");
                Map<String, Double> counted = new TreeMap<>();
                exported.forEach((k, v) -> {
                    if (k.startsWith("kore_sessions_total{")) {
                        counted.put(k, v);
                    }
                });
                sessions.put(listed, counted);
            }
        }
        assertEquals(sessions.get(true), sessions.get(false), "the same sessions, listed active meanwhile or not");
    }

    /** Pages above 300 records hang: asked again smaller, and read exactly (README, slow pages). */
    @Test
    void pagesThatHangAboveASizeAreReadInSmallerPagesExactly() {
        SimulatorOptions hanging = sim().withPageCaps(1000, 100, 1000, 10_000, 20)
                .withTenant(t -> t.withPageTime(PageTime.INSTANT.hangingAbove(300, Duration.ofSeconds(2))));
        try (FaultHarness h = new FaultHarness(dir, hanging, Duration.ofMillis(500))) {
            runExact(h);
            long hung = h.sim.bots().stream().mapToLong(b -> h.sim.requestStats().bot(b.botId()).byStatus()
                    .getOrDefault(0, 0L)).sum();
            assertTrue(hung > 0, "some pages hung");
            h.assertWithinRateLimits();
        }
    }

    @Test
    void appsThatEnforceJtiAcceptEveryRequest() {
        try (FaultHarness h = new FaultHarness(dir, sim().withEveryBot(b -> b.withEnforceJti(true)))) {
            runExact(h);
            for (SimBot b : h.sim.bots()) {
                RequestStats.BotStats s = h.sim.requestStats().bot(b.botId());
                assertTrue(s.total() > 100, b.name() + " was read");
                assertEquals(Map.of(), s.refused(), b.name());
                assertEquals(0, s.jtiRefused(), b.name());
            }
        }
    }

    /**
     * The bot's owner rotates its secret: the new one is written to the client-secret-file, then Kore.ai refuses the
     * old one. One request is refused (named on the status page with its likely causes), the file is read again and
     * the next request carries the new secret: no restart, nothing lost.
     */
    @Test
    void aRotatedSecretIsPickedUpFromItsFileWithoutARestart() throws IOException {
        try (FaultHarness h = new FaultHarness(dir, sim().withEveryBot(b -> b.withEnforceJti(true)))) {
            List<ExporterConfig.Bot> bots = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (SimBot b : h.sim.bots()) {
                Path file = dir.resolve(b.name() + ".secret");
                Files.writeString(file, b.clientSecret() + "\n");
                files.add(file);
                bots.add(TestConfig.builder().set("bots[0].name", b.name()).set("bots[0].id", b.botId())
                        .set("bots[0].client-id", b.clientId()).set("bots[0].client-secret-file", file)
                        .set("bots[0].account-id", b.accountId()).set("bots[0].channels", b.channels()).bot());
            }
            h.bots = bots;
            h.poll = POLL;
            SimBot rotated = h.sim.bots().getFirst();
            String secret = "rotated-" + rotated.clientSecret();
            FaultHarness.Run run = h.start();
            run.cycles(Duration.ofMinutes(20));
            Files.writeString(files.getFirst(), secret + "\n");
            run.cycles(Duration.ofMinutes(5));
            assertEquals(0, h.sim.requestStats().bot(rotated.botId()).byStatus().getOrDefault(401, 0L),
                    "the old secret works until Kore.ai refuses it, and the file is not read before");
            h.sim.rotateClientSecret(rotated.botId(), secret);
            run.cycles(Duration.ofMinutes(35));
            Instant asOf = h.finish(run);

            GroundTruthAssert.assertExact(h.sim, POLL, FaultHarness.FLOOR, asOf, run.metrics().series(), false,
                    b -> true);
            assertEquals(1, h.sim.requestStats().bot(rotated.botId()).byStatus().get(401), "one request refused");
            String error = run.status(rotated.name()).lastError();
            assertTrue(error.contains("401") && error.contains("likely causes") && error.contains("client secret"),
                    error);
            for (SimBot b : h.sim.bots()) {
                assertFalse(error.contains(b.clientSecret()));
            }
            assertFalse(error.contains(secret));
            assertEquals(1, run.up(rotated.name()));
        }
    }

    /**
     * Another consumer of the bot's 60/min and 1,800/h (CI/CD, publishing) within the third the default limits leave
     * it (README, the budget): neither it nor the exporter is ever throttled, and the exporter uses its share.
     */
    @Test
    void aSecondConsumerWithinTheRemainingThirdAndTheExporterAreNeverThrottled() {
        // Pages of 20 messages: the first backfill needs more than the exporter's share of a minute.
        SimulatorOptions shared = sim().withPageCaps(10, 100, 1000, 20, 5)
                .withEveryBot(b -> b.withOtherRequestsPerMinute(10));
        try (FaultHarness h = new FaultHarness(dir, shared, Duration.ofSeconds(10),
                (keys, s) -> keys.set("kore.rate-limit.per-minute", null).set("kore.rate-limit.per-hour", null))) {
            assertEquals(new ExporterConfig.RateLimit(40, 1200), h.kore.rateLimit(), "the defaults");
            runExact(h);
            for (SimBot b : h.sim.bots()) {
                RequestStats.BotStats s = h.sim.requestStats().bot(b.botId());
                assertEquals(0, s.byStatus().getOrDefault(429, 0L), b.name() + ": the exporter was throttled");
                assertTrue(s.otherRequests() > 0, b.name() + ": the other consumer sent requests");
                assertEquals(0, s.otherThrottled(), b.name() + ": the other consumer was throttled");
                assertTrue(s.maxPerMinute() <= 40 && s.maxPerHour() <= 1200, b.name() + ": " + s);
                assertTrue(s.maxBotPerMinute() <= 60 && s.maxBotPerHour() <= 1800, b.name() + ": " + s);
            }
            assertTrue(h.sim.bots().stream().anyMatch(b -> h.sim.requestStats().bot(b.botId()).maxPerMinute() == 40),
                    "the first backfill used the exporter's whole share of a minute: " + h.sim.requestStats().all());
        }
    }

    @Test
    void agentAiOnAHostOfItsOwnIsReadThere() {
        try (FaultHarness h = new FaultHarness(dir, sim().withAgentAiPort(0), Duration.ofSeconds(10),
                (keys, s) -> keys.set("kore.agent-ai-base-url", s.agentAiBaseUrl()))) {
            assertFalse(h.sim.agentAiBaseUrl().equals(h.sim.baseUrl()));
            runExact(h);
            assertTrue(h.sim.bots().stream().anyMatch(b -> b.accountId() != null && h.sim.requestStats().bot(b.botId())
                    .byEndpointAndStatus().getOrDefault("aaconversation", Map.of()).getOrDefault(200, 0L) > 0),
                    "Agent AI was read");
            for (SimBot b : h.sim.bots()) {
                assertEquals(0, h.sim.requestStats().bot(b.botId()).byStatus().getOrDefault(404, 0L), b.name());
            }
        }
    }
}
