package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.model.Latency;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthConversation;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Record shapes of a real tenant ({@link Quirks}): developer traffic, bad latency values, bad sessions. */
class SimulatorQuirksTest {
    static final Instant FROM = T0.minus(Duration.ofHours(1));
    static final SimulatorOptions BASE = SimulatorOptions.defaults().withClock(new ManualClock(T0))
            .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(6).withEnforceRateLimits(false);
    static LabSimulator sim;
    static LabSimulator plain;
    static SimTestClient client;
    static SimBot billing;

    @BeforeAll
    static void start() {
        sim = LabSimulator.start(BASE.withQuirks(Quirks.DEFAULT.withDeveloperShare(0.3).withBadSegmentShare(0.4)
                .withBadSessionShare(0.2)));
        // The default traffic has developer traffic (the demo shows it left out): "plain" has none.
        plain = LabSimulator.start(BASE.withQuirks(Quirks.DEFAULT.withDeveloperShare(0)));
        client = new SimTestClient(sim);
        billing = sim.options().bot("billing-voice");
    }

    @AfterAll
    static void stop() {
        sim.close();
        plain.close();
    }

    private static List<JsonNode> messages(SimTestClient c, SimBot bot, String channel) {
        return c.all(bot, "getMessagesV2", body("channelType", channel, "dateFrom", FROM.toString(),
                "dateTo", T0.toString(), "includeLatency", true, "limit", 10_000), "messages", null);
    }

    private static List<JsonNode> sessions(SimTestClient c, SimBot bot) {
        return c.all(bot, "getSessions", body("dateFrom", FROM.toString(), "dateTo", T0.toString()), "sessions", null);
    }

    @Test
    void quirksChangeNoOtherRecord() {
        for (SimBot bot : sim.bots()) {
            List<String> with = sim.groundTruth().messages(bot.botId()).stream()
                    .map(m -> m.message().id() + m.message().createdOn() + m.message().latency()).toList();
            List<String> without = plain.groundTruth().messages(bot.botId()).stream()
                    .map(m -> m.message().id() + m.message().createdOn() + m.message().latency()).toList();
            assertEquals(without, with, bot.name());
            assertEquals(plain.groundTruth().sessions(bot.botId()).stream().map(s -> s.session()).toList(),
                    sim.groundTruth().sessions(bot.botId()).stream().map(s -> s.session()).toList());
        }
        assertTrue(plain.groundTruth().messages(billing.botId()).stream()
                .noneMatch(m -> m.developer() || m.segmentDefect() != null));
        assertTrue(plain.groundTruth().sessions(billing.botId()).stream()
                .noneMatch(s -> s.developer() || s.endBeforeStart()));
    }

    @Test
    void developerSessionsSayIsDeveloperAsTrueOrOne() {
        Map<String, TruthSession> truth = sim.groundTruth().sessions(billing.botId()).stream()
                .collect(Collectors.toMap(s -> s.session().id(), Function.identity()));
        Set<String> shapes = new HashSet<>();
        List<JsonNode> wire = sessions(client, billing);
        for (JsonNode s : wire) {
            JsonNode d = s.path("isDeveloper");
            boolean developer = d.isBoolean() ? d.booleanValue() : d.asInt() == 1;
            assertEquals(truth.get(s.path("sessionId").asText()).developer(), developer, s.toString());
            if (developer) {
                shapes.add(d.getNodeType().toString());
            }
        }
        assertEquals(Set.of("BOOLEAN", "NUMBER"), shapes);
        long share = wire.stream().filter(s -> truth.get(s.path("sessionId").asText()).developer()).count();
        assertTrue(share > wire.size() / 6 && share < wire.size() / 2, share + " of " + wire.size());
        for (JsonNode s : sessions(new SimTestClient(plain), billing)) {
            assertEquals(false, s.path("isDeveloper").asBoolean(true));
        }
    }

    @Test
    void developerMessagesSayIsDAsOneOrTrue() {
        Map<String, TruthMessage> truth = byId(sim);
        Set<String> shapes = new HashSet<>();
        for (JsonNode m : messages(client, billing, "korevg")) {
            JsonNode d = m.path("isD");
            boolean developer = d.isBoolean() ? d.booleanValue() : d.asInt() == 1;
            assertEquals(truth.get(m.path("_id").asText()).developer(), developer);
            if (developer) {
                shapes.add(d.getNodeType().toString());
            }
        }
        assertEquals(Set.of("BOOLEAN", "NUMBER"), shapes);
    }

    @Test
    void badSessionsShowEndBeforeStartOnceClosed() {
        Map<String, TruthSession> truth = sim.groundTruth().sessions(billing.botId()).stream()
                .collect(Collectors.toMap(s -> s.session().id(), Function.identity()));
        int bad = 0;
        for (JsonNode s : sessions(client, billing)) {
            if (!s.has("end_time")) {
                continue;
            }
            boolean backwards = Instant.parse(s.path("end_time").asText()).isBefore(Instant.parse(s.path("start_time").asText()));
            TruthSession t = truth.get(s.path("sessionId").asText());
            assertEquals(t.endBeforeStart(), backwards, t.toString());
            assertEquals(!backwards, t.countable());
            bad += backwards ? 1 : 0;
        }
        assertTrue(bad > 0);
    }

    /**
     * Every bad latency value reaches the wire, and what ground truth says a correct reader observes is what
     * the rules of README "What is counted" make of the wire, read here independently of the simulator.
     */
    @Test
    void badSegmentsAreOnTheWireAsGroundTruthSays() {
        Map<String, TruthMessage> truth = byId(sim);
        Set<SegmentDefect> seen = EnumSet.noneOf(SegmentDefect.class);
        int checked = 0;
        for (SimBot bot : sim.bots()) {
            for (String channel : bot.channels()) {
                for (JsonNode m : messages(client, bot, channel)) {
                    TruthMessage t = truth.get(m.path("_id").asText());
                    if (!m.has("latency")) {
                        continue;
                    }
                    assertTrue(t.valid());
                    assertEquals(t.observedLatency(), CorrectReader.latency(m.path("latency")), t.toString());
                    assertEquals(t.observedTurn(), CorrectReader.latency(m.path("latency")).totalMs() != null);
                    if (t.segmentDefect() != null) {
                        seen.add(t.segmentDefect());
                        assertNotEquals(t.message().latency(), t.observedLatency());
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 100, "checked " + checked);
        assertEquals(EnumSet.allOf(SegmentDefect.class), seen);
        var summary = sim.groundTruth().summary(billing.botId());
        assertTrue(summary.badSegmentMessages() > 0 && summary.developerMessages() > 0
                && summary.developerSessions() > 0 && summary.endBeforeStartSessions() > 0, summary.toString());
    }

    private static Map<String, TruthMessage> byId(LabSimulator s) {
        Map<String, TruthMessage> out = new HashMap<>();
        for (SimBot bot : s.bots()) {
            s.groundTruth().messages(bot.botId()).forEach(m -> out.put(m.message().id(), m));
        }
        return out;
    }

    /** The segment rules written from the README, over the raw JSON. */
    static final class CorrectReader {
        static final double MAX_MS = 600_000;

        static Latency latency(JsonNode l) {
            var asr = segment(l.path("asr")) ? new Latency.Asr(ms(l.path("asr").path("durationMs")),
                    text(l.path("asr").path("provider")), ratio(l.path("asr").path("confidenceScore"))) : null;
            var bot = segment(l.path("bot")) ? new Latency.BotSegment(ms(l.path("bot").path("durationMs"))) : null;
            JsonNode t = l.path("tts");
            var tts = segment(t) ? new Latency.Tts(ms(t.path("durationMs")), text(t.path("provider")),
                    t.path("utteranceLengthChars").isIntegralNumber() && t.path("utteranceLengthChars").asLong() >= 0
                            ? t.path("utteranceLengthChars").asLong() : null,
                    ms(t.path("audioLengthMs")), t.path("streamingEnabled").isBoolean() ? t.path("streamingEnabled").asBoolean() : null,
                    ms(t.path("firstByteMs"))) : null;
            return new Latency(ms(l.path("totalMs")), asr, bot, tts);
        }

        private static boolean segment(JsonNode s) {
            return s.isObject() && ms(s.path("durationMs")) != null;
        }

        private static Double ms(JsonNode n) {
            return n.isNumber() && n.asDouble() >= 0 && n.asDouble() <= MAX_MS ? n.asDouble() : null;
        }

        private static Double ratio(JsonNode n) {
            return n.isNumber() && n.asDouble() >= 0 && n.asDouble() <= 1 ? n.asDouble() : null;
        }

        private static String text(JsonNode n) {
            return n.isTextual() ? n.asText() : null;
        }
    }

    @Test
    void strictIncludeSecureFormOnV2Only() {
        String token = SimTestClient.jwt(billing.clientId(), billing.clientSecret());
        var without = body("channelType", "korevg", "dateFrom", FROM.toString(), "dateTo", T0.toString(), "limit", 10);
        var r = client.raw("POST", SimTestClient.path(billing, "getMessagesV2"), Map.of("auth", token), without);
        assertEquals(400, r.status());
        assertEquals(400, r.json().path("errors").path(0).path("code").asInt());
        assertTrue(r.errorMsg().contains("includeSecureForm"));
        var with = without.deepCopy().put("includeSecureForm", false);
        assertEquals(200, client.raw("POST", SimTestClient.path(billing, "getMessagesV2"), Map.of("auth", token), with).status());
        assertEquals(200, client.raw("POST", SimTestClient.path(billing, "getMessages"), Map.of("auth", token), without).status());
        try (LabSimulator lax = LabSimulator.start(BASE.withQuirks(Quirks.NONE))) {
            var c = new SimTestClient(lax);
            assertEquals(200, c.raw("POST", SimTestClient.path(billing, "getMessagesV2"), Map.of("auth", token), without).status());
        }
    }

    @Test
    void agentAiEverySessionGivesEachSessionOfAnAccountBotOneConversationAndChangesNothingElse() {
        try (LabSimulator every = LabSimulator.start(BASE.withQuirks(Quirks.DEFAULT.withAgentAiEverySession(true)));
             LabSimulator usual = LabSimulator.start(BASE)) {
            GroundTruth e = every.groundTruth();
            GroundTruth u = usual.groundTruth();
            Map<String, Long> perSession = e.conversations(billing.botId()).stream()
                    .collect(Collectors.groupingBy(TruthConversation::sessionId, Collectors.counting()));
            long started = e.sessions(billing.botId()).size();
            long ended = e.sessions(billing.botId()).stream().filter(s -> s.session().closed()).count();
            assertTrue(perSession.values().stream().allMatch(n -> n == 1), "one conversation per session");
            assertTrue(perSession.size() >= ended && perSession.size() <= started,
                    perSession.size() + " conversations for " + ended + " closed of " + started + " sessions");
            assertTrue(u.conversations(billing.botId()).size() < ended / 2, "usually only some agent transfers have one");
            for (SimBot bot : every.bots()) {
                assertEquals(u.sessions(bot.botId()).stream().map(TruthSession::session).toList(),
                        e.sessions(bot.botId()).stream().map(TruthSession::session).toList(), bot.name());
                assertEquals(u.messages(bot.botId()).stream().map(m -> m.message().id()).toList(),
                        e.messages(bot.botId()).stream().map(m -> m.message().id()).toList(), bot.name());
            }
            SimBot web = every.options().bot("web-chat");
            assertTrue(e.conversations(web.botId()).isEmpty(), "a bot without an account id has no Agent AI");
        }
    }

    @Test
    void sharesOutsideZeroToOneAreRefused() {
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> Quirks.NONE.withDeveloperShare(1.5));
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> Quirks.NONE.withBadSegmentShare(Double.NaN));
        assertTrue(Quirks.DEFAULT.developerShare() > 0, "the exporter leaves developer traffic out: the demo shows it");
        assertTrue(new ArrayList<>(List.of(Quirks.DEFAULT)).getFirst().strictSecureForm());
    }
}
