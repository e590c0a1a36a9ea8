package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Late data, live traffic, determinism and pausing, all on a manual clock. */
class SimulatorTimeTest {

    private static SimulatorOptions options(ManualClock clock) {
        return SimulatorOptions.defaults().withClock(clock).withHistory(Duration.ofHours(1))
                .withSessionsPerMinutePerBot(5).withEnforceRateLimits(false);
    }

    private static JsonNode v2(SimTestClient c, SimBot bot, String from, String to) {
        return c.post(bot, "getMessagesV2", body("channelType", "korevg", "dateFrom", from, "dateTo", to,
                "limit", 10_000, "includeLatency", true)).json().path("messages");
    }

    private static boolean contains(JsonNode messages, String id) {
        for (JsonNode m : messages) {
            if (m.path("_id").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void recordsAppearOnlyOnceTheirLatenessHasPassed() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock))) {
            SimTestClient c = new SimTestClient(sim);
            SimBot bot = sim.options().bot("billing-voice");
            TruthMessage late = sim.groundTruth().messages(bot.botId()).stream()
                    .filter(m -> m.message().channel().equals("korevg") && m.visibleAt().isAfter(T0)
                            && m.visibleAt().isBefore(T0.plus(Duration.ofMinutes(14))))
                    .findFirst().orElseThrow();
            String from = T0.minus(Duration.ofHours(1)).toString();
            String to = T0.plus(Duration.ofHours(1)).toString();
            assertFalse(contains(v2(c, bot, from, to), late.message().id()));
            clock.set(late.visibleAt().minusMillis(1));
            assertFalse(contains(v2(c, bot, from, to), late.message().id()));
            clock.set(late.visibleAt());
            assertTrue(contains(v2(c, bot, from, to), late.message().id()));

            TruthSession s = sim.groundTruth().sessions(bot.botId(), T0).stream()
                    .filter(x -> !x.visibleActiveAt().isAfter(late.visibleAt()) && x.visibleClosedAt().isAfter(late.visibleAt())
                            && x.visibleClosedAt().isBefore(T0.plus(Duration.ofHours(2))))
                    .findFirst().orElseThrow();
            JsonNode active = c.post(bot, "getSessions", body("sessionId", List.of(s.session().id()))).json().path("sessions").path(0);
            assertEquals("active", active.path("sessionStatus").asText());
            assertFalse(active.has("end_time"));
            clock.set(s.visibleClosedAt());
            JsonNode closed = c.post(bot, "getSessions", body("sessionId", List.of(s.session().id()))).json().path("sessions").path(0);
            assertEquals("closed", closed.path("sessionStatus").asText());
            TruthSession finalState = sim.groundTruth().sessions(bot.botId()).stream()
                    .filter(x -> x.session().id().equals(s.session().id())).findFirst().orElseThrow();
            assertEquals(finalState.session().containment().wireName(), closed.path("containmentType").asText());
            assertEquals(finalState.session().end().toString().replace("Z", ""),
                    closed.path("end_time").asText().replace(".000Z", "").replace("Z", ""));
            assertTrue(sim.groundTruth().sessions(bot.botId()).stream().anyMatch(x -> x.session().start().isAfter(T0)),
                    "live traffic keeps coming");
        }
    }

    @Test
    void zeroLatenessMeansEverythingThatHappenedIsVisible() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock).withMaxLateness(Duration.ZERO))) {
            String botId = sim.options().bot("support-ivr").botId();
            List<TruthMessage> all = sim.groundTruth().messages(botId);
            assertFalse(all.isEmpty());
            all.forEach(m -> assertEquals(m.message().createdOn(), m.visibleAt()));
        }
    }

    @Test
    void sameSeedAndClockGiveTheSameRecordsWhateverTheRequestTiming() {
        ManualClock a = new ManualClock(T0);
        ManualClock b = new ManualClock(T0);
        Instant end = T0.plus(Duration.ofMinutes(30));
        try (LabSimulator simA = LabSimulator.start(options(a)); LabSimulator simB = LabSimulator.start(options(b));
             LabSimulator other = LabSimulator.start(options(new ManualClock(end)).withSeed(7))) {
            SimTestClient ca = new SimTestClient(simA);
            SimTestClient cb = new SimTestClient(simB);
            SimBot bot = simA.options().bot("billing-voice");
            String from = T0.minus(Duration.ofMinutes(50)).toString();
            for (int i = 0; i < 5; i++) {
                a.advance(Duration.ofMinutes(6));
                v2(ca, bot, from, a.instant().toString());
            }
            b.set(end);
            JsonNode ra = v2(ca, bot, from, end.toString());
            JsonNode rb = v2(cb, bot, from, end.toString());
            assertTrue(ra.size() > 50);
            assertEquals(ra, rb);
            assertEquals(simA.groundTruth().messages(bot.botId()), simB.groundTruth().messages(bot.botId()));
            assertNotEquals(ra, v2(new SimTestClient(other), bot, from, end.toString()));
        }
    }

    @Test
    void pausedTrafficStartsNoSessionsButFinishesRunningOnes() {
        ManualClock clock = new ManualClock(T0);
        try (LabSimulator sim = LabSimulator.start(options(clock))) {
            String botId = sim.options().bot("billing-voice").botId();
            sim.pauseTraffic();
            clock.advance(Duration.ofMinutes(30));
            List<TruthSession> sessions = sim.groundTruth().sessions(botId);
            assertTrue(sessions.stream().noneMatch(s -> s.session().start().isAfter(T0)));
            assertTrue(sim.groundTruth().messages(botId).stream().anyMatch(m -> m.message().createdOn().isAfter(T0)),
                    "sessions running at the pause still talk");
            sim.resumeTraffic();
            Instant resumed = clock.instant();
            clock.advance(Duration.ofMinutes(10));
            assertTrue(sim.groundTruth().sessions(botId).stream().anyMatch(s -> s.session().start().isAfter(resumed)));
        }
    }
}
