package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.model.Direction;
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
import java.util.Set;
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
        return messages(client, "getMessagesV2", bot, kv);
    }

    private static List<JsonNode> messages(SimTestClient c, String endpoint, SimBot bot, Object... kv) {
        var r = c.post(bot, endpoint, body(kv).put("dateFrom", FROM.toString()).put("dateTo", T0.toString())
                .put("limit", 10_000));
        assertEquals(200, r.status(), r.errorMsg());
        List<JsonNode> out = new ArrayList<>();
        r.json().path("messages").forEach(out::add);
        return out;
    }

    private static List<String> ids(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("_id").asText()).toList();
    }

    private static void assertOrdered(List<JsonNode> messages, boolean oldestFirst) {
        assertTrue(messages.size() > 100);
        for (int i = 1; i < messages.size(); i++) {
            int c = messages.get(i - 1).path("createdOn").asText().compareTo(messages.get(i).path("createdOn").asText());
            assertTrue(oldestFirst ? c <= 0 : c >= 0, (oldestFirst ? "oldest" : "newest") + " first at " + i);
        }
    }

    @Test
    void forwardChoosesTheOrderAndV2WithoutItIsOldestFirstAsRecorded() {
        List<JsonNode> forward = messages(billing, "channelType", "korevg", "forward", true);
        List<JsonNode> forwardText = messages(billing, "channelType", "korevg", "forward", "true");
        List<JsonNode> backward = messages(billing, "channelType", "korevg", "forward", false);
        List<JsonNode> unsaid = messages(billing, "channelType", "korevg");
        assertOrdered(forward, true);
        assertOrdered(backward, false);
        assertTrue(ids(forward).equals(ids(forwardText)));
        assertTrue(ids(backward).reversed().equals(ids(forward)));
        assertTrue(ids(forward).equals(ids(unsaid)), "getMessagesV2 without forward: oldest first, unlike its docs");
        List<String> v1 = ids(messages(client, "getMessages", billing, "channelType", "korevg"));
        assertTrue(ids(backward).subList(0, v1.size()).equals(v1),
                "getMessages (v1) without forward: newest first, as documented");
    }

    @Test
    void aDocumentedTenantListsV2NewestFirstWithoutForward() {
        try (LabSimulator documented = LabSimulator.start(sim.options().withTenant(Serving.DOCUMENTED))) {
            SimTestClient c = new SimTestClient(documented);
            List<JsonNode> unsaid = messages(c, "getMessagesV2", billing, "channelType", "korevg");
            assertOrdered(unsaid, false);
            assertTrue(ids(messages(billing, "channelType", "korevg", "forward", false)).equals(ids(unsaid)));
        }
    }

    @Test
    void v2WithoutChannelTypeServesEveryChannelAsRecorded() {
        List<JsonNode> all = messages(billing, "includeLatency", true);
        Set<String> expected = truth.messages(billing.botId(), FROM, T0, T0).stream().map(m -> m.message().id())
                .collect(Collectors.toSet());
        assertEquals(expected, Set.copyOf(ids(all)));
        assertEquals(Set.of("korevg", "ivrVoice"), all.stream().map(m -> m.path("chnl").asText()).collect(Collectors.toSet()));
        assertTrue(all.stream().anyMatch(m -> m.has("latency")), "a voice bot's turns, with latency");
        assertTrue(messages(client, "getMessages", billing).isEmpty(), "v1 without channelType: rtm, as documented");
    }

    @Test
    void channelDefaultsToRtmAndChatNeverHasLatency() {
        try (LabSimulator documented = LabSimulator.start(sim.options().withTenant(Serving.DOCUMENTED))) {
            channelDefaultsToRtmAndChatNeverHasLatency(new SimTestClient(documented), "getMessagesV2");
        }
        channelDefaultsToRtmAndChatNeverHasLatency(client, "getMessages");
    }

    private void channelDefaultsToRtmAndChatNeverHasLatency(SimTestClient c, String endpoint) {
        List<JsonNode> dflt = messages(c, endpoint, web, "includeLatency", true);
        long expectedRtm = truth.messages(web.botId(), FROM, T0, T0).stream()
                .filter(m -> m.message().channel().equals("rtm")).count();
        long page = endpoint.equals("getMessages") ? Math.min(expectedRtm, sim.options().v1PageCap()) : expectedRtm;
        assertEquals(page, dflt.size(), endpoint + ": every rtm message (v1: a page of them)");
        assertTrue(expectedRtm > 0);
        dflt.forEach(m -> {
            assertEquals("rtm", m.path("chnl").asText());
            assertFalse(m.has("latency"));
        });
        assertTrue(messages(c, endpoint, billing).isEmpty(), "billing-voice has no rtm traffic");
        messages(c, endpoint, web, "channelType", "korevg").forEach(m -> assertEquals("korevg", m.path("chnl").asText()));
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
            assertEquals(Direction.INCOMING, in.message().direction());
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
