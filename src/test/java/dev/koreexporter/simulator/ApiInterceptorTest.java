package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run-time simulator on its own and through its extension point, as the lab uses it. */
class ApiInterceptorTest {
    private static final String FROM = T0.minus(Duration.ofHours(1)).toString();

    private static SimulatorOptions options() {
        return SimulatorOptions.defaults().withClock(new ManualClock(T0)).withEnforceRateLimits(false);
    }

    private static ObjectNode sessionsPage(int limit) {
        return body("dateFrom", FROM, "dateTo", T0.toString(), "limit", limit);
    }

    private static List<String> sessionIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("sessions").forEach(s -> ids.add(s.path("sessionId").asText()));
        return ids;
    }

    @Test
    void theRunTimeSimulatorServesTheApiAndNoLabRoutes() {
        try (KoreSimulator sim = KoreSimulator.start(options())) {
            SimTestClient client = new SimTestClient(sim.baseUrl());
            SimBot billing = sim.options().bot("billing-voice");
            var page = client.post(billing, "getSessions", sessionsPage(5));
            assertEquals(200, page.status());
            assertEquals(5, page.json().path("sessions").size());
            for (String path : List.of("/sim/truth", "/sim/faults", "/sim/stats", "/sim/bots")) {
                assertEquals(404, client.raw("GET", path, Map.of(), null).status(), path);
            }
            assertEquals(404, client.raw("POST", "/sim/freeze", Map.of(), "").status());
        }
    }

    @Test
    void withoutFaultsTheLabServesExactlyTheRunTimeSimulatorsBytes() {
        try (KoreSimulator plain = KoreSimulator.start(options()); LabSimulator lab = LabSimulator.start(options())) {
            SimTestClient a = new SimTestClient(plain.baseUrl());
            SimTestClient b = new SimTestClient(lab);
            for (SimBot bot : plain.bots()) {
                ObjectNode messages = body("channelType", bot.channels().getFirst(), "includeLatency", true,
                        "dateFrom", FROM, "dateTo", T0.toString(), "limit", 200);
                assertArrayEquals(a.post(bot, "getMessagesV2", messages).raw(), b.post(bot, "getMessagesV2", messages).raw());
                assertArrayEquals(a.post(bot, "getSessions", sessionsPage(50)).raw(), b.post(bot, "getSessions", sessionsPage(50)).raw());
                if (bot.accountId() != null) {
                    ObjectNode conversations = body("from", FROM, "to", T0.toString());
                    assertArrayEquals(a.post(bot, "aaconversation", conversations).raw(),
                            b.post(bot, "aaconversation", conversations).raw());
                }
            }
        }
    }

    @Test
    void anInterceptorSeesEveryRequestToAKnownBotWithItsWindowsAndStatus() {
        List<ApiRequest> requests = Collections.synchronizedList(new ArrayList<>());
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        ApiInterceptor recorder = request -> {
            requests.add(request);
            return new ApiInterceptor.Exchange() {
                @Override
                public void completed(int status) {
                    statuses.add(status);
                }
            };
        };
        try (KoreSimulator sim = KoreSimulator.start(GeneratedTraffic.of(options()), recorder, rules -> {
        })) {
            SimTestClient client = new SimTestClient(sim.baseUrl());
            SimBot billing = sim.options().bot("billing-voice");
            client.post(billing, "getSessions", body());
            client.post(billing, "getMessagesV2", body());
            client.raw("POST", SimTestClient.path(billing, "getSessions"), Map.of("auth", "not-a-token"), body());
            client.raw("POST", "/api/public/bot/st-unknown/getSessions", Map.of(), body());
            assertEquals(List.of(Endpoint.GET_SESSIONS, Endpoint.GET_MESSAGES_V2, Endpoint.GET_SESSIONS),
                    requests.stream().map(ApiRequest::endpoint).toList(), "an unknown bot's requests are not handed on");
            assertEquals(List.of(1, 2, 3), requests.stream().map(ApiRequest::requestsLastMinute).toList());
            assertEquals(List.of(1, 2, 3), requests.stream().map(ApiRequest::requestsLastHour).toList());
            assertTrue(requests.stream().allMatch(r -> r.bot().equals(billing) && r.arrivedAt().equals(T0)));
            assertEquals(List.of(200, 200, 401), statuses);
        }
    }

    @Test
    void servedRecordsAreTheAnswersRecordsInItsOrderAndTellTheirFirstServing() {
        List<ServedRecords> served = Collections.synchronizedList(new ArrayList<>());
        ApiInterceptor recorder = request -> new ApiInterceptor.Exchange() {
            @Override
            public byte[] body(byte[] json, ServedRecords records) {
                served.add(records);
                return json;
            }
        };
        try (KoreSimulator sim = KoreSimulator.start(GeneratedTraffic.of(options()), recorder, rules -> {
        })) {
            SimTestClient client = new SimTestClient(sim.baseUrl());
            SimBot billing = sim.options().bot("billing-voice");
            JsonNode first = client.post(billing, "getSessions", sessionsPage(10)).json();
            JsonNode again = client.post(billing, "getSessions", sessionsPage(20)).json();
            ServedRecords a = served.get(0);
            ServedRecords b = served.get(1);
            assertEquals(ServedRecords.Kind.SESSION, a.kind());
            assertEquals(sessionIds(first), ids(a));
            assertEquals(sessionIds(again), ids(b));
            for (int i = 0; i < b.size(); i++) {
                assertEquals(i >= 10, b.firstServing(i), "record " + i + " of the second page");
                if (i < 10) {
                    assertTrue(a.firstServing(i));
                }
            }
        }
    }

    @Test
    void servingAndReplacementApplyToOneRequestOnly() {
        AtomicBoolean once = new AtomicBoolean(true);
        ApiInterceptor firstOnly = request -> once.getAndSet(false) ? new ApiInterceptor.Exchange() {
            @Override
            public Serving serving(Serving tenant) {
                return tenant.withPageCap(3).withReversed(true);
            }
        } : ApiInterceptor.Exchange.AS_IS;
        try (KoreSimulator sim = KoreSimulator.start(GeneratedTraffic.of(options()), firstOnly, rules -> {
        })) {
            SimTestClient client = new SimTestClient(sim.baseUrl());
            SimBot billing = sim.options().bot("billing-voice");
            List<String> changed = sessionIds(client.post(billing, "getSessions", sessionsPage(10)).json());
            List<String> documented = sessionIds(client.post(billing, "getSessions", sessionsPage(10)).json());
            assertEquals(10, documented.size());
            assertEquals(documented.subList(0, 3).reversed(), changed);
        }
        ApiInterceptor unavailable = request -> new ApiInterceptor.Exchange() {
            @Override
            public Optional<Reply> replacement() {
                return Optional.of(Reply.error(503, "Internal error"));
            }
        };
        try (KoreSimulator sim = KoreSimulator.start(GeneratedTraffic.of(options()), unavailable, rules -> {
        })) {
            SimTestClient client = new SimTestClient(sim.baseUrl());
            SimBot billing = sim.options().bot("billing-voice");
            var bad = client.raw("POST", SimTestClient.path(billing, "getSessions"), Map.of("auth", "not-a-token"), body());
            assertEquals(503, bad.status(), "the replacement comes before the token check");
            assertEquals("Internal error", bad.errorMsg());
        }
    }

    private static List<String> ids(ServedRecords records) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ids.add(records.id(i));
        }
        return ids;
    }
}
