package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Message semantics: ordering, channels, latency objects, dates, session lookups. */
class SimulatorMessagesTest {
    static final Instant FROM = T0.minus(Duration.ofHours(1));
    static LabSimulator sim;
    static SimTestClient client;
    static GroundTruth truth;
    static SimBot billing;
    static SimBot web;

    @BeforeAll
    static void start() {
        sim = LabSimulator.start(SimulatorOptions.defaults().withClock(new ManualClock(T0))
                .withHistory(Duration.ofHours(2)).withSessionsPerMinutePerBot(5).withEnforceRateLimits(false));
        client = new SimTestClient(sim);
        truth = sim.groundTruth();
        billing = sim.options().bot("billing-voice");
        web = sim.options().bot("web-chat");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static List<JsonNode> messages(SimBot bot, Object... kv) {
        var r = client.post(bot, "getMessagesV2", body(kv).put("dateFrom", FROM.toString()).put("dateTo", T0.toString())
                .put("limit", 10_000));
        assertEquals(200, r.status(), r.errorMsg());
        List<JsonNode> out = new ArrayList<>();
        r.json().path("messages").forEach(out::add);
        return out;
    }

    @Test
    void newestFirstUnlessForward() {
        List<JsonNode> backward = messages(billing, "channelType", "korevg");
        List<JsonNode> forward = messages(billing, "channelType", "korevg", "forward", true);
        List<JsonNode> forwardText = messages(billing, "channelType", "korevg", "forward", "true");
        assertTrue(backward.size() > 100);
        for (int i = 1; i < backward.size(); i++) {
            assertTrue(backward.get(i - 1).path("createdOn").asText().compareTo(backward.get(i).path("createdOn").asText()) >= 0);
            assertTrue(forward.get(i - 1).path("createdOn").asText().compareTo(forward.get(i).path("createdOn").asText()) <= 0);
        }
        assertEquals(forward.stream().map(m -> m.path("_id").asText()).toList(),
                forwardText.stream().map(m -> m.path("_id").asText()).toList());
        assertEquals(backward.reversed().stream().map(m -> m.path("_id").asText()).toList(),
                forward.stream().map(m -> m.path("_id").asText()).toList());
    }

    @Test
    void channelDefaultsToRtmAndChatNeverHasLatency() {
        List<JsonNode> dflt = messages(web, "includeLatency", true);
        long expectedRtm = truth.messages(web.botId(), FROM, T0, T0).stream()
                .filter(m -> m.message().channel().equals("rtm")).count();
        assertEquals(expectedRtm, dflt.size());
        assertTrue(expectedRtm > 0);
        dflt.forEach(m -> {
            assertEquals("rtm", m.path("chnl").asText());
            assertFalse(m.has("latency"));
        });
        assertTrue(messages(billing).isEmpty(), "billing-voice has no rtm traffic");
        messages(web, "channelType", "korevg").forEach(m -> assertEquals("korevg", m.path("chnl").asText()));
    }

    @Test
    void latencyOnlyOnOutgoingVoiceMessagesAndOnlyWhenAsked() {
        List<JsonNode> with = messages(billing, "channelType", "ivrVoice", "includeLatency", true);
        assertTrue(with.stream().anyMatch(m -> m.has("latency")));
        with.stream().filter(m -> m.has("latency")).forEach(m -> assertEquals("outgoing", m.path("type").asText()));
        assertTrue(with.stream().filter(m -> m.path("type").asText().equals("incoming")).noneMatch(m -> m.has("latency")));
        messages(billing, "channelType", "ivrVoice").forEach(m -> assertFalse(m.has("latency")));
    }

    @Test
    void segmentsAndTheGapMakeTheTotalAndTheBotAnswersTotalMsAfterTheUser() {
        List<JsonNode> got = messages(billing, "channelType", "korevg", "includeLatency", true);
        Map<String, TruthMessage> byId = truth.messages(billing.botId(), FROM.minusSeconds(3600), T0, Instant.MAX)
                .stream().collect(Collectors.toMap(m -> m.message().id(), Function.identity()));
        int turns = 0;
        int withoutAsr = 0;
        int withGap = 0;
        for (JsonNode m : got) {
            if (!m.has("latency")) {
                continue;
            }
            turns++;
            JsonNode l = m.path("latency");
            long total = l.path("totalMs").asLong();
            long sum = l.path("asr").path("durationMs").asLong(0) + l.path("bot").path("durationMs").asLong()
                    + l.path("tts").path("durationMs").asLong(0);
            TruthMessage out = byId.get(m.path("_id").asText());
            assertNotNull(out);
            // What the segments leave of the total is the gap ground truth has (telephony, endpointing, queuing).
            assertEquals(out.message().latency().totalMs(), total, m.path("_id").asText());
            if (out.gapMs() != null) {
                assertEquals(out.gapMs(), total - sum, m.path("_id").asText());
                withGap += total > sum ? 1 : 0;
            }
            withoutAsr += l.has("asr") ? 0 : 1;
            if (l.has("asr")) {
                double c = l.path("asr").path("confidenceScore").asDouble();
                assertTrue(c >= 0 && c <= 1);
                assertTrue(List.of("google", "azure", "deepgram", "kore").contains(l.path("asr").path("provider").asText()));
            }
            if (l.path("tts").has("firstByteMs")) {
                assertTrue(l.path("tts").path("streamingEnabled").asBoolean());
                assertTrue(l.path("tts").path("firstByteMs").asLong() < l.path("tts").path("durationMs").asLong());
            }
            TruthMessage in = byId.values().stream()
                    .filter(x -> x.message().sessionId().equals(out.message().sessionId()))
                    .filter(x -> x.message().createdOn().isBefore(out.message().createdOn()))
                    .max(Comparator.comparing(x -> x.message().createdOn())).orElseThrow();
            assertEquals(dev.koreexporter.model.Direction.INCOMING, in.message().direction());
            assertEquals(out.message().createdOn().minusMillis(total), in.message().createdOn());
        }
        assertTrue(turns > 50, "turns: " + turns);
        assertTrue(withoutAsr < turns / 5);
        assertTrue(withGap > turns / 2, "most totals hold more than the segments: " + withGap + " of " + turns);
    }

    @Test
    void weekLongWindowsAndBadDatesAre400() {
        for (String endpoint : List.of("getSessions", "getMessages", "getMessagesV2", "messages-lite")) {
            var bad = client.post(web, endpoint, body("userId", "u-x", "dateFrom", "2026-02-20", "dateTo", "2026-02-27"));
            assertEquals(400, bad.status(), endpoint + " 8 whole days");
            assertEquals(400, bad.json().path("errors").path(0).path("code").asInt());
            assertEquals(200, client.post(web, endpoint, body("userId", "u-x", "dateFrom", "2026-02-20", "dateTo", "2026-02-26")).status(),
                    endpoint + " 7 whole days are 1 ms short of 7 days");
            Instant to = T0;
            assertEquals(400, client.post(web, endpoint, body("userId", "u-x", "dateFrom", to.minus(Duration.ofDays(7)).toString(),
                    "dateTo", to.toString())).status());
            assertEquals(200, client.post(web, endpoint, body("userId", "u-x", "dateFrom", to.minus(Duration.ofDays(7)).plusMillis(1).toString(),
                    "dateTo", to.toString())).status());
            assertEquals(400, client.post(web, endpoint, body("userId", "u-x", "dateFrom", "yesterday")).status());
        }
    }

    @Test
    void bareDateToCoversTheWholeDay() {
        var r = client.post(billing, "getMessagesV2", body("channelType", "korevg", "dateFrom", "2026-03-02",
                "dateTo", "2026-03-02", "limit", 10_000));
        long expected = truth.messages(billing.botId(), Instant.parse("2026-03-02T00:00:00Z"), T0, T0).stream()
                .filter(m -> m.message().channel().equals("korevg")).count();
        assertEquals(expected, r.json().path("total").asLong());
    }

    @Test
    void sessionIdFilterOnMessages() {
        TruthSession s = truth.sessions(billing.botId()).stream()
                .filter(x -> x.session().channel().equals("korevg") && x.session().closed()
                        && x.session().start().isAfter(FROM) && x.visibleClosedAt().isBefore(T0)).findFirst().orElseThrow();
        List<JsonNode> got = messages(billing, "channelType", "korevg", "sessionId", List.of(s.session().id()));
        long expected = truth.messages(billing.botId(), FROM, T0, T0).stream()
                .filter(m -> m.message().sessionId().equals(s.session().id())).count();
        assertEquals(expected, got.size());
        got.forEach(m -> assertEquals(s.session().id(), m.path("sessionId").asText()));
    }

    @Test
    void sessionLookupByIdIgnoresOtherFilters() {
        List<TruthSession> visible = truth.sessions(billing.botId()).stream()
                .filter(x -> !x.visibleActiveAt().isAfter(T0) || !x.visibleClosedAt().isAfter(T0)).toList();
        List<String> ids = new ArrayList<>(visible.subList(0, 3).stream().map(x -> x.session().id()).toList());
        ids.add(ids.get(0));
        ids.add("6465cf6e47Q9ed4e822b82a1");
        var r = client.post(billing, "getSessions?containmentType=agent",
                body("sessionId", ids, "dateFrom", "2020-01-01", "dateTo", "2020-01-02", "limit", 1));
        assertEquals(200, r.status());
        assertEquals(3, r.json().path("sessions").size());
        assertEquals(List.of("6465cf6e47Q9ed4e822b82a1"),
                List.of(r.json().path("invalidSessions").path(0).asText()));
        assertEquals(1, r.json().path("invalidSessions").size());
        for (JsonNode s : r.json().path("sessions")) {
            TruthSession t = visible.stream().filter(x -> x.session().id().equals(s.path("sessionId").asText())).findFirst().orElseThrow();
            boolean closedVisible = !t.visibleClosedAt().isAfter(T0);
            assertEquals(closedVisible ? "closed" : "active", s.path("sessionStatus").asText());
            if (closedVisible) {
                assertEquals(t.session().messages().intValue(), s.path("noOfMessagesExchanged").asInt());
                assertEquals(t.session().containment().wireName(), s.path("containmentType").asText());
            }
        }
        List<String> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(ids.get(i % 2));
        }
        assertEquals(200, client.post(billing, "getSessions", body("sessionId", fifty)).status());
        fifty.add(ids.get(0));
        var tooMany = client.post(billing, "getSessions", body("sessionId", fifty));
        assertEquals(400, tooMany.status(), "duplicates count toward the 50");
        TruthSession notYet = truth.sessions(billing.botId()).stream()
                .filter(x -> x.visibleActiveAt().isAfter(T0) && x.visibleClosedAt().isAfter(T0)).findFirst().orElseThrow();
        var hidden = client.post(billing, "getSessions", body("sessionId", List.of(notYet.session().id())));
        assertEquals(0, hidden.json().path("sessions").size());
        assertEquals(notYet.session().id(), hidden.json().path("invalidSessions").path(0).asText());
    }

    @Test
    void voiceSessionsCarryACallerNumberTag() {
        var r = client.post(billing, "getSessions", body("dateFrom", FROM.toString(), "dateTo", T0.toString()));
        JsonNode s = r.json().path("sessions").path(0);
        assertTrue(s.path("tags").path("sessionTags").findValuesAsText("name").contains("callerNumber"));
        assertTrue(s.path("session_lang").isArray());
        assertTrue(s.path("start_time").asText().endsWith("Z"));
    }
}
