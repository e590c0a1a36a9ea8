package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.RequestStats;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static dev.koreexporter.simulator.SimTestClient.jwt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways real tenants were seen to serve requests, each a simulator option for a whole run: getSessions listing
 * closed sessions only, apps that enforce JTI, another consumer of the bot's rate budget, Agent AI on a host of its
 * own; with what ground truth and the request statistics say of them.
 */
class SimulatorTenantModesTest {
    private static final Instant FROM = T0.minus(Duration.ofHours(2));

    private static SimulatorOptions options(ManualClock clock) {
        return SimulatorOptions.defaults().withClock(clock).withHistory(Duration.ofHours(3))
                .withSessionsPerMinutePerBot(4).withEnforceRateLimits(false);
    }

    @Test
    void aTenantListingClosedSessionsOnlyNeverListsAnActiveOne() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock).withTenant(t -> t.withActiveSessionsListed(false)))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot billing = sim.options().bot("billing-voice");
            for (Instant at : List.of(T0, T0.plus(Duration.ofMinutes(17)))) {
                clock.set(at);
                List<JsonNode> listed = c.all(billing, "getSessions",
                        body("dateFrom", FROM.toString(), "dateTo", at.toString()), "sessions", null);
                Set<String> expected = sim.groundTruth().sessions(billing.botId(), at).stream()
                        .filter(s -> !s.session().start().isBefore(FROM) && s.reportedClosedBy(at))
                        .map(s -> s.session().id()).collect(Collectors.toSet());
                assertEquals(expected, listed.stream().map(s -> s.path("sessionId").asText()).collect(Collectors.toSet()));
                listed.forEach(s -> assertEquals("closed", s.path("sessionStatus").asText()));
                assertTrue(sim.groundTruth().sessions(billing.botId(), at).stream()
                        .anyMatch(s -> !s.reportedClosedBy(at) && !s.visibleActiveAt().isAfter(at)), "active ones exist");
            }
            TruthSession active = sim.groundTruth().sessions(billing.botId()).stream()
                    .filter(s -> !s.reportedClosedBy(clock.instant()) && !s.visibleActiveAt().isAfter(clock.instant()))
                    .findFirst().orElseThrow();
            assertEquals("active", c.post(billing, "getSessions", body("sessionId", List.of(active.session().id())))
                    .json().path("sessions").path(0).path("sessionStatus").asText(), "by id it is still found");
        }
    }

    private static String token(SimBot bot, String jti, Instant expires) {
        return jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"appId\":\"" + bot.clientId() + "\",\"sub\":\"test\""
                + (jti == null ? "" : ",\"jti\":\"" + jti + "\"") + ",\"iat\":" + T0.getEpochSecond()
                + ",\"exp\":" + expires.getEpochSecond() + "}", bot.clientSecret());
    }

    @Test
    void anAppEnforcingJtiRefusesATokenWithoutOneOrWithOneAlreadyUsed() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock).withBot("billing-voice", b -> b.withEnforceJti(true)))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot strict = sim.options().bot("billing-voice");
            SimBot lax = sim.options().bot("web-chat");
            Instant exp = T0.plus(Duration.ofMinutes(5));
            String path = SimTestClient.path(strict, "getSessions");

            var without = c.raw("POST", path, Map.of("auth", token(strict, null, exp)), body());
            assertEquals(401, without.status());
            assertEquals(401, without.json().path("errors").path(0).path("code").asInt());
            assertEquals(AuthFailure.JTI_MISSING.message(), without.errorMsg());
            String jti = UUID.randomUUID().toString();
            assertEquals(200, c.raw("POST", path, Map.of("auth", token(strict, jti, exp)), body()).status());
            var again = c.raw("POST", path, Map.of("auth", token(strict, jti, exp)), body());
            assertEquals(401, again.status());
            assertEquals(AuthFailure.JTI_REUSED.message(), again.errorMsg());
            assertFalse(again.errorMsg().contains(jti));
            assertEquals(200, c.raw("POST", path, Map.of("auth", token(strict, UUID.randomUUID().toString(), exp)),
                    body()).status(), "a fresh jti is accepted");
            clock.set(exp.plusSeconds(1));
            assertEquals(200, c.raw("POST", path, Map.of("auth", token(strict, jti, exp.plus(Duration.ofMinutes(5)))),
                    body()).status(), "a jti is remembered only while its token lives");

            String laxPath = SimTestClient.path(lax, "getSessions");
            for (int i = 0; i < 2; i++) {
                assertEquals(200, c.raw("POST", laxPath, Map.of("auth", token(lax, null, clock.instant().plusSeconds(60))),
                        body()).status(), "an app that does not enforce JTI takes any token");
            }
            RequestStats.BotStats stats = sim.requestStats().bot(strict.botId());
            assertEquals(2, stats.jtiRefused());
            assertEquals(Map.of("jti-missing", 1L, "jti-reused", 1L), stats.refused());
            assertEquals(0, sim.requestStats().bot(lax.botId()).jtiRefused());
            JsonNode json = c.raw("GET", "/sim/stats", Map.of(), null).json().path("bots").path(strict.botId());
            assertEquals(2, json.path("jtiRefused").asInt());
        }
    }

    @Test
    void anotherConsumerSpendsPartOfTheBotsMinute() {
        ManualClock clock = new ManualClock(T0);
        double others = 30;
        int perMinute = 60;
        try (LabSimulator sim = LabSimulator.start(options(clock).withEnforceRateLimits(true)
                .withRateLimits(perMinute, 100_000).withBot("billing-voice", b -> b.withOtherRequestsPerMinute(others)))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot billing = sim.options().bot("billing-voice");
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < perMinute; i++) {
                statuses.add(c.post(billing, "getSessions", body()).status());
            }
            int left = perMinute - (int) others;
            assertEquals(left, statuses.stream().filter(s -> s == 200).count(), "what the other consumer leaves");
            assertEquals(List.of(200, 429), List.of(statuses.get(left - 1), statuses.get(left)));
            assertEquals(200, c.post(sim.options().bot("web-chat"), "getSessions", body()).status(),
                    "only the bot with another consumer is short");

            RequestStats.BotStats stats = sim.requestStats().bot(billing.botId());
            assertEquals(perMinute, stats.maxPerMinute(), "the exporter's own requests, 429s included");
            assertEquals(perMinute + (int) others, stats.maxBotPerMinute());
            assertEquals(60 * (long) others + 1, stats.otherRequests(), "every 2 s from an hour before the start");
            assertEquals(0, stats.otherThrottled());
            clock.advance(Duration.ofSeconds(30));
            c.post(billing, "getSessions", body());
            assertTrue(sim.requestStats().bot(billing.botId()).otherThrottled() > 0,
                    "an exporter that takes the whole minute starves the other consumer");
        }
    }

    @Test
    void anotherConsumerSpendsPartOfTheBotsHour() {
        ManualClock clock = new ManualClock(T0);
        double others = 4;
        int perHour = 300;
        try (LabSimulator sim = LabSimulator.start(options(clock).withEnforceRateLimits(true)
                .withRateLimits(1000, perHour).withBot("billing-voice", b -> b.withOtherRequestsPerMinute(others)))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot billing = sim.options().bot("billing-voice");
            int left = perHour - (int) (others * 60);
            for (int i = 0; i < left; i++) {
                assertEquals(200, c.post(billing, "getSessions", body()).status(), "request " + i);
            }
            var r = c.post(billing, "getSessions", body());
            assertEquals(429, r.status());
            long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
            assertEquals(perHour + 1, sim.requestStats().bot(billing.botId()).maxBotPerHour());
        }
    }

    @Test
    void agentAiOnItsOwnHostIsNotServedOnTheMainOne() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock).withAgentAiPort(0)
                .withQuirks(Quirks.DEFAULT.withAgentAiEverySession(true)).withEnforceRateLimits(true).withRateLimits(2, 100))) {
            assertNotEquals(sim.baseUrl(), sim.agentAiBaseUrl());
            SimTestClient main = new SimTestClient(sim);
            SimTestClient agentAi = new SimTestClient(sim.agentAiBaseUrl());
            SimBot billing = sim.options().bot("billing-voice");
            var day = body("from", "2026-03-02", "to", "2026-03-02", "limit", 20);

            assertEquals(404, main.post(billing, "aaconversation", day).status(), "not on the XO Platform host");
            var page = agentAi.post(billing, "aaconversation", day);
            assertEquals(200, page.status());
            long expected = sim.groundTruth().conversations(billing.botId(), Instant.parse("2026-03-02T00:00:00Z"),
                    Instant.parse("2026-03-02T23:59:59.999Z"), T0).size();
            assertTrue(expected > 20);
            assertEquals(expected, page.json().path("totalResults").asLong());
            assertEquals(404, agentAi.post(billing, "getSessions", body()).status(), "only Agent AI on its host");
            assertEquals(200, main.post(billing, "getSessions", body()).status());
            assertEquals(429, agentAi.post(billing, "aaconversation", day).status(), "one rate budget across both hosts");
            assertEquals(Map.of("aaconversation", 2L, "getSessions", 1L),
                    sim.requestStats().bot(billing.botId()).byEndpoint());
        }
    }

    @Test
    void truthSaysWhichSessionsAReaderWithASessionHorizonCounts() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock))) {
            SimBot support = sim.options().bot("support-ivr");
            GroundTruth truth = sim.groundTruth();
            Duration horizon = Duration.ofMinutes(40);
            List<TruthSession> within = truth.sessionsClosingWithin(support.botId(), horizon, T0);
            List<TruthSession> all = truth.sessions(support.botId(), T0);
            assertTrue(within.size() < all.size() && !within.isEmpty());
            within.forEach(s -> assertFalse(s.visibleClosedAt().isAfter(s.session().start().plus(horizon))));
            List<TruthSession> counted = truth.countedSessions(support.botId(), horizon, T0, false);
            assertEquals(within.stream().filter(s -> s.reportedClosedBy(T0) && s.counted(false)).toList(), counted);
            assertTrue(within.stream().anyMatch(s -> !s.reportedClosedBy(T0)), "some are not reported closed yet");

            JsonNode json = new SimTestClient(sim).raw("GET", "/sim/truth?botId=" + support.botId() + "&horizon=40m",
                    Map.of(), null).json().path("bots").path(0);
            assertEquals(counted.size(), json.path("countedWithinHorizon").asInt());
            assertEquals("PT40M", json.path("horizon").asText());
            assertEquals(truth.messages(support.botId()).stream().filter(m -> m.afterSessionEnd()).count(),
                    json.path("messagesAfterSessionEnd").asLong());
            assertEquals(all.stream().filter(s -> s.reportedClosedBy(T0)).count(), json.path("sessionsReportedClosed").asLong());
            assertEquals(400, new SimTestClient(sim).raw("GET", "/sim/truth?horizon=soon", Map.of(), null).status());
        }
    }
}
