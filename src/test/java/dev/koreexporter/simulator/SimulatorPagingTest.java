package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading every page of every endpoint gives exactly what ground truth says is visible. */
class SimulatorPagingTest {
    static final Instant FROM = T0.minus(Duration.ofHours(2));
    static LabSimulator sim;
    static SimTestClient client;
    static GroundTruth truth;
    static SimBot billing;
    static SimBot web;

    @BeforeAll
    static void start() {
        sim = LabSimulator.start(SimulatorOptions.defaults().withClock(new ManualClock(T0))
                .withHistory(Duration.ofHours(3)).withSessionsPerMinutePerBot(4).withEnforceRateLimits(false)
                .withPageCaps(7, 10, 13, 50, 3));
        client = new SimTestClient(sim);
        truth = sim.groundTruth();
        billing = sim.options().bot("billing-voice");
        web = sim.options().bot("web-chat");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static Set<String> ids(List<JsonNode> nodes, String field) {
        List<String> list = nodes.stream().map(n -> n.path(field).asText()).toList();
        Set<String> set = new HashSet<>(list);
        assertEquals(list.size(), set.size(), "no record is served twice");
        return set;
    }

    @Test
    void sessionsPagesCoverExactlyTheVisibleSessions() {
        int[] pages = new int[1];
        List<JsonNode> got = client.all(billing, "getSessions",
                body("dateFrom", FROM.toString(), "dateTo", T0.toString(), "limit", 1000), "sessions", pages);
        Set<String> expected = truth.sessions(billing.botId(), T0).stream()
                .filter(s -> !s.session().start().isBefore(FROM))
                .filter(s -> !s.visibleActiveAt().isAfter(T0) || !s.visibleClosedAt().isAfter(T0))
                .map(s -> s.session().id()).collect(Collectors.toSet());
        assertEquals(expected, ids(got, "sessionId"));
        assertTrue(pages[0] >= expected.size() / 7, "capped at 7 a page: " + pages[0]);
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i - 1).path("start_time").asText().compareTo(got.get(i).path("start_time").asText()) >= 0,
                    "newest start first");
        }
        assertTrue(got.stream().anyMatch(s -> s.path("sessionStatus").asText().equals("active")));
        got.stream().filter(s -> s.path("sessionStatus").asText().equals("active")).forEach(s -> {
            assertFalse(s.has("containmentType"));
            assertFalse(s.has("end_time"));
        });
    }

    @Test
    void containmentTypeReturnsOnlyClosedSessionsOfThatType() {
        for (String type : List.of("selfService", "dropOff", "agent")) {
            var page = client.post(billing, "getSessions?containmentType=" + type,
                    body("dateFrom", FROM.toString(), "dateTo", T0.toString()));
            long expected = truth.sessions(billing.botId(), T0).stream()
                    .filter(s -> !s.session().start().isBefore(FROM) && !s.visibleClosedAt().isAfter(T0))
                    .filter(s -> s.session().containment().wireName().equals(type)).count();
            assertEquals(expected, page.json().path("total").asLong(), type);
            assertTrue(expected > 0, type);
            page.json().path("sessions").forEach(s -> {
                assertEquals(type, s.path("containmentType").asText());
                assertEquals("closed", s.path("sessionStatus").asText());
            });
        }
        assertEquals(400, client.post(billing, "getSessions?containmentType=bogus", body()).status());
    }

    @Test
    void v1AndV2PagesCoverTheVisibleMessagesOfTheChannel() {
        Set<String> expected = truth.messages(billing.botId(), FROM, T0, T0).stream()
                .filter(m -> m.message().channel().equals("korevg")).map(m -> m.message().id()).collect(Collectors.toSet());
        for (String endpoint : List.of("getMessages", "getMessagesV2")) {
            int[] pages = new int[1];
            List<JsonNode> got = client.all(billing, endpoint, body("dateFrom", FROM.toString(), "dateTo", T0.toString(),
                    "channelType", "korevg", "limit", 100_000, "includeLatency", true), "messages", pages);
            assertEquals(expected, ids(got, "_id"), endpoint);
            int cap = endpoint.equals("getMessages") ? 10 : 50;
            assertEquals((expected.size() + cap - 1) / cap, pages[0], endpoint + " pages of " + cap);
        }
    }

    @Test
    void messagesLiteNeedsAUserAndReturnsOnlyTheirMessages() {
        TruthMessage any = truth.messages(web.botId(), FROM, T0, T0).stream()
                .filter(m -> m.message().channel().equals("rtm")).findFirst().orElseThrow();
        String user = any.userId();
        Set<String> expected = truth.messages(web.botId(), FROM, T0, T0).stream()
                .filter(m -> m.message().channel().equals("rtm") && m.userId().equals(user))
                .map(m -> m.message().id()).collect(Collectors.toSet());
        List<JsonNode> got = client.all(web, "messages-lite",
                body("userId", user, "dateFrom", FROM.toString(), "dateTo", T0.toString(), "limit", 5000), "messages", null);
        assertEquals(expected, ids(got, "_id"));
        got.forEach(m -> assertEquals(user, m.path("createdBy").asText()));
        assertEquals(400, client.post(web, "messages-lite", body("dateFrom", FROM.toString())).status());
    }

    @Test
    void agentAiPagesByPageNumber() {
        Instant dayStart = Instant.parse("2026-03-02T00:00:00Z");
        Set<String> expected = truth.conversations(billing.botId(), dayStart, Instant.parse("2026-03-02T23:59:59.999Z"), T0)
                .stream().map(c -> c.conversation().id()).collect(Collectors.toSet());
        int[] pages = new int[1];
        List<JsonNode> got = client.allConversations(billing, body("from", "2026-03-02", "to", "2026-03-02", "limit", 50), pages);
        assertTrue(expected.size() > 3, "enough conversations to page: " + expected.size());
        assertEquals(expected, ids(got, "_id"));
        assertEquals((expected.size() + 2) / 3, pages[0]);
        var first = client.post(billing, "aaconversation", body("from", "2026-03-02", "to", "2026-03-02", "limit", 50));
        assertEquals(3, first.json().path("limit").asInt());
        assertEquals(expected.size(), first.json().path("totalResults").asInt());
        assertEquals((expected.size() + 2) / 3, first.json().path("totalPages").asInt());
        assertEquals(0, first.json().path("skip").asInt());
        assertTrue(first.json().path("hasMore").asBoolean());
        first.json().path("results").forEach(c -> {
            assertEquals("voice", c.path("channelType").asText());
            assertTrue(c.has("convId") && c.has("experience") && c.has("startTime"));
        });
        assertEquals(400, client.post(billing, "aaconversation", body("from", "2026-03-02")).status());
    }

    @Test
    void defaultCapsAreTheRecordedOnes() {
        SimulatorOptions options = SimulatorOptions.defaults().withClock(new ManualClock(T0))
                .withHistory(Duration.ofHours(3)).withSessionsPerMinutePerBot(20).withEnforceRateLimits(false);
        try (LabSimulator big = LabSimulator.start(options)) {
            SimTestClient c = new SimTestClient(big);
            SimBot bot = big.options().bot("billing-voice");
            var b = body("dateFrom", FROM.toString(), "dateTo", T0.toString(), "channelType", "korevg", "limit", 20_000);
            var v1 = c.post(bot, "getMessages", b);
            assertEquals(100, v1.json().path("messages").size());
            assertTrue(v1.json().path("moreAvailable").asBoolean());
            var v2 = c.post(bot, "getMessagesV2", b);
            int total = v2.json().path("total").asInt();
            assertTrue(total > 10_000, "enough traffic: " + total);
            assertEquals(10_000, v2.json().path("messages").size());
            var sessions = c.post(bot, "getSessions", b);
            assertTrue(sessions.json().path("total").asInt() > 1000, "enough sessions: " + sessions.json().path("total"));
            assertEquals(1000, sessions.json().path("sessions").size(), "real tenants serve more than 100 sessions a page");
            var last = c.post(bot, "getMessagesV2", b.deepCopy().put("skip", 10_000));
            assertEquals(total - 10_000, last.json().path("messages").size());
            assertFalse(last.json().path("moreAvailable").asBoolean());
        }
        try (LabSimulator capped = LabSimulator.start(options.withSessionsPageCap(100))) {
            SimBot bot = capped.options().bot("billing-voice");
            var page = new SimTestClient(capped).post(bot, "getSessions",
                    body("dateFrom", FROM.toString(), "dateTo", T0.toString(), "limit", 1000));
            assertEquals(100, page.json().path("sessions").size(), "0.3.0's cap of 100 stays an option");
            assertTrue(page.json().path("moreAvailable").asBoolean());
        }
    }
}
