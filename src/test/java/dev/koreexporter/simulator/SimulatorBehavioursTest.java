package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server behaviours a real tenant may show, switched on as faults (in-process and over /sim/faults). */
class SimulatorBehavioursTest {
    static final Instant FROM = T0.minus(Duration.ofHours(1));
    static final ManualClock CLOCK = new ManualClock(T0);
    static LabSimulator sim;
    static SimTestClient client;
    static SimBot billing;
    static SimBot support;

    @BeforeAll
    static void start() {
        sim = LabSimulator.start(SimulatorOptions.defaults().withClock(CLOCK).withHistory(Duration.ofHours(1))
                .withSessionsPerMinutePerBot(5).withEnforceRateLimits(false));
        client = new SimTestClient(sim);
        billing = sim.options().bot("billing-voice");
        support = sim.options().bot("support-ivr");
    }

    @AfterEach
    void clear() {
        sim.faults().clear();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static SimTestClient.Response page(SimBot bot, String endpoint, Object... kv) {
        return client.post(bot, endpoint, body(kv).put("dateFrom", FROM.toString()).put("dateTo", T0.toString()));
    }

    @Test
    void v2MissingForOneBotIs404WithErrorsBodyAndV1StillAnswers() {
        sim.faults().set(Fault.of(FaultType.V2_MISSING).forBot(billing.botId()));
        var r = page(billing, "getMessagesV2", "channelType", "korevg");
        assertEquals(404, r.status());
        assertEquals(404, r.json().path("errors").path(0).path("code").asInt());
        assertFalse(r.errorMsg().isBlank());
        assertEquals(200, page(billing, "getMessages", "channelType", "korevg").status());
        assertEquals(200, page(support, "getMessagesV2", "channelType", "ivrVoice").status());
    }

    @Test
    void v2MissingOverTheAdminApi() {
        var set = client.raw("POST", "/sim/faults", Map.of(), Map.of("type", "v2-missing", "botId", billing.botId()));
        assertEquals(200, set.status());
        assertEquals(404, page(billing, "getMessagesV2", "channelType", "korevg").status());
        assertEquals(200, client.raw("DELETE", "/sim/faults", Map.of(), null).status());
        assertEquals(200, page(billing, "getMessagesV2", "channelType", "korevg").status());
    }

    @Test
    void v1AnswersAtMostAHundredAPage() {
        var r = page(billing, "getMessages", "channelType", "korevg", "limit", 500, "includeLatency", true);
        assertEquals(200, r.status());
        assertEquals(100, r.json().path("messages").size());
        assertTrue(r.json().path("moreAvailable").asBoolean());
    }

    @Test
    void ignoringChannelTypeReturnsEveryChannel() {
        var normal = page(billing, "getMessagesV2", "channelType", "korevg", "limit", 10_000);
        assertEquals(Set.of("korevg"), channels(normal.json()));
        sim.faults().set(Fault.of(FaultType.IGNORE_CHANNEL_TYPE).forBot(billing.botId()));
        var ignored = page(billing, "getMessagesV2", "channelType", "korevg", "limit", 10_000);
        assertEquals(Set.of("korevg", "ivrVoice"), channels(ignored.json()));
        long inWindow = sim.groundTruth().messages(billing.botId(), FROM, T0, T0).size();
        assertEquals(inWindow, ignored.json().path("messages").size());
        assertEquals(inWindow, ignored.json().path("total").asLong());
    }

    private static Set<String> channels(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("messages").forEach(m -> out.add(m.path("chnl").asText()));
        return Set.copyOf(out);
    }

    @Test
    void closedSessionsOnlyLeavesActiveOnesOut() {
        assertTrue(statuses(page(billing, "getSessions").json()).contains("active"));
        sim.faults().set(Fault.of(FaultType.CLOSED_SESSIONS_ONLY).forEndpoint(Endpoint.GET_SESSIONS));
        var r = page(billing, "getSessions");
        assertEquals(Set.of("closed"), statuses(r.json()));
        long closed = sim.groundTruth().sessions(billing.botId()).stream()
                .filter(s -> !s.session().start().isBefore(FROM) && !s.visibleClosedAt().isAfter(T0)).count();
        assertEquals(closed, r.json().path("total").asLong());
    }

    private static Set<String> statuses(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("sessions").forEach(s -> out.add(s.path("sessionStatus").asText()));
        return Set.copyOf(out);
    }

    @Test
    void smallPagesCapEveryEndpointWithoutAnError() {
        sim.faults().set(Fault.of(FaultType.SMALL_PAGES));
        for (String endpoint : List.of("getSessions", "getMessages", "getMessagesV2")) {
            var r = page(billing, endpoint, "channelType", "korevg", "limit", 100);
            assertEquals(200, r.status());
            String field = endpoint.equals("getSessions") ? "sessions" : "messages";
            assertEquals(FaultType.SMALL_PAGE, r.json().path(field).size(), endpoint);
            assertTrue(r.json().path("moreAvailable").asBoolean());
        }
        int[] pages = new int[1];
        List<JsonNode> all = client.all(billing, "getSessions", body("dateFrom", FROM.toString(), "dateTo", T0.toString()),
                "sessions", pages);
        assertEquals(all.size(), all.stream().map(s -> s.path("sessionId").asText()).distinct().count());
        assertEquals((all.size() + FaultType.SMALL_PAGE - 1) / FaultType.SMALL_PAGE, pages[0]);
    }

    @Test
    void unorderedPagesComeInReverseOfTheAskedOrder() {
        sim.faults().set(Fault.of(FaultType.UNORDERED).forBot(billing.botId()));
        var r = page(billing, "getMessagesV2", "channelType", "korevg", "forward", true, "limit", 50);
        List<Instant> times = new ArrayList<>();
        r.json().path("messages").forEach(m -> times.add(Instant.parse(m.path("createdOn").asText())));
        assertEquals(50, times.size());
        assertTrue(times.getFirst().isAfter(times.getLast()), "forward was asked, newest came first");
        sim.faults().clear();
        var ordered = page(billing, "getMessagesV2", "channelType", "korevg", "forward", true, "limit", 50);
        List<Instant> sorted = new ArrayList<>();
        ordered.json().path("messages").forEach(m -> sorted.add(Instant.parse(m.path("createdOn").asText())));
        assertEquals(times.reversed(), sorted);
    }

    @Test
    void dateHeaderFollowsTheSimulatorsClockAndSkew() {
        var r = page(billing, "getSessions");
        assertEquals(T0, date(r));
        sim.faults().set(Fault.clockSkew(Duration.ofMinutes(2)));
        assertEquals(T0.plus(Duration.ofMinutes(2)), date(page(billing, "getSessions")));
    }

    private static Instant date(SimTestClient.Response r) {
        return ZonedDateTime.parse(r.headers().firstValue("Date").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant();
    }

    @Test
    void newFaultTypesHaveWireNames() {
        assertEquals(Set.of("v2-missing", "ignore-channel-type", "closed-sessions-only", "small-pages", "unordered"),
                Set.of(FaultType.V2_MISSING, FaultType.IGNORE_CHANNEL_TYPE, FaultType.CLOSED_SESSIONS_ONLY,
                        FaultType.SMALL_PAGES, FaultType.UNORDERED).stream().map(FaultType::wireName)
                        .collect(Collectors.toSet()));
    }
}
