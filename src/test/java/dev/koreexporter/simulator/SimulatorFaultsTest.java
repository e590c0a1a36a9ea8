package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static dev.koreexporter.simulator.SimTestClient.JSON;
import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.body;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorFaultsTest {
    static final Instant FROM = T0.minus(Duration.ofHours(1));
    static LabSimulator sim;
    static SimTestClient client;
    static SimBot billing;
    static SimBot web;

    /** A fresh simulator per test: records once served intact are never broken later (bad-records fault). */
    @BeforeEach
    void start() {
        sim = LabSimulator.start(SimulatorOptions.defaults().withClock(new ManualClock(T0))
                .withHistory(Duration.ofHours(2)).withSessionsPerMinutePerBot(4).withEnforceRateLimits(false));
        client = new SimTestClient(sim);
        billing = sim.options().bot("billing-voice");
        web = sim.options().bot("web-chat");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static SimTestClient.Response v2(SimBot bot, Object... extra) {
        return client.post(bot, "getMessagesV2", body(extra).put("channelType", "korevg").put("includeLatency", true)
                .put("dateFrom", FROM.toString()).put("dateTo", T0.toString()).put("limit", 10_000));
    }

    private static boolean parses(byte[] raw) {
        try {
            JSON.readTree(raw);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void rateLimitStormWithAndWithoutRetryAfterForTheNextRequestsOnly() {
        sim.faults().set(Fault.rateLimitStorm(true).times(1));
        var first = client.post(billing, "getSessions", body());
        assertEquals(429, first.status());
        assertTrue(first.headers().firstValue("Retry-After").isPresent());
        sim.faults().set(Fault.rateLimitStorm(false).forBot(billing.botId()).times(1));
        var second = client.post(billing, "getSessions", body());
        assertEquals(429, second.status());
        assertFalse(second.headers().firstValue("Retry-After").isPresent());
        assertEquals(200, client.post(billing, "getSessions", body()).status());
        assertTrue(sim.faults().active().isEmpty());
    }

    @Test
    void serverErrorsAreScopedToBotAndEndpoint() {
        sim.faults().set(Fault.serverError(502).forBot(billing.botId()).forEndpoint(Endpoint.GET_SESSIONS));
        assertEquals(502, client.post(billing, "getSessions", body()).status());
        assertEquals(502, client.post(billing, "getSessions", body()).status());
        assertEquals(200, client.post(billing, "getMessagesV2", body()).status());
        assertEquals(200, client.post(web, "getSessions", body()).status());
    }

    @Test
    void slowResponsesTakeAtLeastTheDelay() {
        sim.faults().set(Fault.slow(Duration.ofMillis(300)).times(1));
        long t0 = System.nanoTime();
        assertEquals(200, client.post(billing, "getSessions", body()).status());
        assertTrue(System.nanoTime() - t0 >= 300_000_000L);
    }

    @Test
    void malformedAndTruncatedBodies() {
        sim.faults().set(Fault.of(FaultType.MALFORMED_JSON).times(1));
        var malformed = v2(billing);
        assertEquals(200, malformed.status());
        assertFalse(parses(malformed.raw()));
        sim.faults().set(Fault.of(FaultType.TRUNCATED_BODY).times(1));
        var truncated = v2(billing);
        assertFalse(parses(truncated.raw()));
        var whole = v2(billing);
        assertTrue(parses(whole.raw()));
        assertTrue(truncated.raw().length < whole.raw().length);
        assertArrayEquals(Arrays.copyOf(whole.raw(), truncated.raw().length), truncated.raw());
    }

    @Test
    void connectionResetMidBody() {
        sim.faults().set(Fault.of(FaultType.CONNECTION_RESET).times(1));
        assertThrows(UncheckedIOException.class, () -> v2(billing));
        assertEquals(200, v2(billing).status(), "the server is fine afterwards");
    }

    @Test
    void pageShiftRepeatsTheLastRecordOfThePreviousPage() {
        var b = body("dateFrom", FROM.toString(), "dateTo", T0.toString(), "limit", 10);
        JsonNode page1 = client.post(billing, "getSessions", b.deepCopy().put("skip", 0)).json().path("sessions");
        sim.faults().set(Fault.of(FaultType.PAGE_SHIFT).times(1));
        JsonNode page2 = client.post(billing, "getSessions", b.deepCopy().put("skip", 10)).json().path("sessions");
        assertEquals(page1.get(9).path("sessionId"), page2.get(0).path("sessionId"));
    }

    @Test
    void badRecordsAreServedBrokenForGoodAndMarkedInvalid() {
        sim.faults().set(Fault.of(FaultType.BAD_RECORDS).forBot(billing.botId()).forEndpoint(Endpoint.GET_MESSAGES_V2).times(1));
        JsonNode broken = v2(billing).json().path("messages");
        List<TruthMessage> invalid = sim.groundTruth().messages(billing.botId(), FROM, T0, T0).stream()
                .filter(m -> !m.valid()).toList();
        assertFalse(invalid.isEmpty());
        assertEquals(invalid.size(), countBroken(broken));
        assertEquals(invalid.size(), countBroken(v2(billing).json().path("messages")), "still broken without the fault");
        Set<String> invalidIds = new HashSet<>(invalid.stream().map(m -> m.message().id()).toList());
        for (JsonNode m : broken) {
            if (m.has("_id") && invalidIds.contains(m.path("_id").asText())) {
                assertTrue(isBroken(m), m.toString());
            }
        }
    }

    private static long countBroken(JsonNode messages) {
        long n = 0;
        for (JsonNode m : messages) {
            n += isBroken(m) ? 1 : 0;
        }
        return n;
    }

    private static boolean isBroken(JsonNode m) {
        JsonNode l = m.path("latency");
        return !m.has("_id") || !m.path("createdOn").isTextual() || !m.path("type").isTextual()
                || !m.path("sessionId").isTextual()
                || (m.has("latency") && (!l.path("totalMs").isNumber() || l.path("totalMs").asLong() < 0
                || l.path("totalMs").asLong() > 3_600_000 || l.path("asr").path("confidenceScore").asDouble(0) > 1));
    }

    @Test
    void clockSkewShiftsTheSimulatorsNow() {
        Duration skew = Duration.ofMinutes(10);
        sim.faults().set(Fault.clockSkew(skew).forBot(billing.botId()));
        Instant skewedNow = T0.plus(skew);
        long served = client.post(billing, "getMessagesV2", body("channelType", "korevg", "dateFrom", FROM.toString(),
                "dateTo", skewedNow.toString(), "limit", 10_000)).json().path("total").asLong();
        long expected = sim.groundTruth().messages(billing.botId(), FROM, skewedNow, skewedNow).stream()
                .filter(m -> m.message().channel().equals("korevg")).count();
        assertEquals(expected, served);
        assertTrue(expected > sim.groundTruth().messages(billing.botId(), FROM, T0, T0).stream()
                .filter(m -> m.message().channel().equals("korevg")).count());
    }

    @Test
    void faultsCanBeSwitchedOverHttp() {
        var set = client.raw("POST", "/sim/faults", Map.of(),
                Map.of("type", "server-error", "status", 503, "count", 1, "botId", billing.botId(), "endpoint", "getSessions"));
        assertEquals(200, set.status());
        assertEquals("server-error", set.json().path(0).path("type").asText());
        assertEquals(503, client.post(billing, "getSessions", body()).status());
        assertEquals(200, client.post(billing, "getSessions", body()).status());
        client.raw("POST", "/sim/faults", Map.of(), List.of(Map.of("type", "rate-limit-storm", "retryAfter", false)));
        assertEquals(429, client.post(web, "getSessions", body()).status());
        assertEquals(1, client.raw("GET", "/sim/faults", Map.of(), null).json().size());
        assertEquals(200, client.raw("DELETE", "/sim/faults", Map.of(), null).status());
        assertEquals(200, client.post(web, "getSessions", body()).status());
        assertEquals(400, client.raw("POST", "/sim/faults", Map.of(), Map.of("type", "nonsense")).status());
    }

    @Test
    void gzipWhenAskedFor() throws IOException {
        String token = SimTestClient.jwt(billing.clientId(), billing.clientSecret());
        var b = body("channelType", "korevg", "dateFrom", FROM.toString(), "dateTo", T0.toString(), "limit", 500,
                "includeSecureForm", false);
        var zipped = client.raw("POST", SimTestClient.path(billing, "getMessagesV2"),
                Map.of("auth", token, "Accept-Encoding", "gzip"), b);
        var plain = client.raw("POST", SimTestClient.path(billing, "getMessagesV2"), Map.of("auth", token), b);
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        assertEquals((byte) 0x1f, zipped.raw()[0]);
        assertEquals((byte) 0x8b, zipped.raw()[1]);
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent());
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.raw())).readAllBytes();
        assertEquals(JSON.readTree(plain.raw()), JSON.readTree(unzipped));
        assertTrue(zipped.raw().length < plain.raw().length / 3);
    }

    @Test
    void groundTruthSummaryOverHttp() {
        var r = client.raw("GET", "/sim/truth?botId=" + billing.botId(), Map.of(), null);
        assertEquals(200, r.status());
        GroundTruth.Summary s = sim.groundTruth().summary(billing.botId());
        assertEquals(s.turns(), r.json().path("bots").path(0).path("turns").asLong());
        assertEquals(s.sessionsClosed(), r.json().path("bots").path(0).path("sessionsClosed").asLong());
        assertTrue(s.conversations() > 0);
        assertEquals(404, client.raw("GET", "/sim/truth?botId=st-nope", Map.of(), null).status());
    }
}
