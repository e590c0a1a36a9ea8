package dev.koreexporter.simulator;

import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.koreexporter.simulator.SimTestClient.T0;
import static dev.koreexporter.simulator.SimTestClient.jwt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorAuthTest {
    static final ManualClock CLOCK = new ManualClock(T0);
    static final SimBot SHORT = new SimBot("short-secret", "st-00000000-0000-4000-8000-000000000001",
            "cs-00000000-0000-4000-8000-000000000001", "tiny-secret", null, List.of("korevg"));
    static LabSimulator sim;
    static SimTestClient client;
    static SimBot billing;
    static SimBot support;

    @BeforeAll
    static void start() {
        List<SimBot> bots = new ArrayList<>(SimulatorOptions.DEMO_BOTS);
        bots.add(SHORT);
        sim = LabSimulator.start(SimulatorOptions.defaults().withClock(CLOCK).withBots(bots)
                .withEnforceRateLimits(false).withHistory(Duration.ofMinutes(10)));
        client = new SimTestClient(sim);
        billing = sim.options().bot("billing-voice");
        support = sim.options().bot("support-ivr");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private SimTestClient.Response sessions(SimBot bot, Map<String, String> headers) {
        return client.raw("POST", SimTestClient.path(bot, "getSessions"), headers, SimTestClient.body());
    }

    @Test
    void tokenSignedWithTheBotsSecretIsAccepted() {
        var r = sessions(billing, Map.of("auth", jwt(billing.clientId(), billing.clientSecret())));
        assertEquals(200, r.status());
        assertTrue(r.json().has("sessions"));
    }

    @Test
    void tokenBuiltWithJjwtIsAccepted() {
        String token = Jwts.builder().claim("appId", billing.clientId()).subject("exporter")
                .signWith(Keys.hmacShaKeyFor(billing.clientSecret().getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
        assertEquals(200, sessions(billing, Map.of("auth", token)).status());
    }

    @Test
    void wrongSecretIsRefusedWithErrorsBody() {
        var r = sessions(billing, Map.of("auth", jwt(billing.clientId(), billing.clientSecret() + "x")));
        assertEquals(401, r.status());
        assertEquals(401, r.json().path("errors").path(0).path("code").asInt());
        assertFalse(r.errorMsg().isBlank());
        assertFalse(r.errorMsg().contains(billing.clientSecret()));
    }

    @Test
    void appOfAnotherBotIsRefused() {
        var r = sessions(billing, Map.of("auth", jwt(support.clientId(), support.clientSecret())));
        assertEquals(401, r.status());
    }

    @Test
    void missingOrGarbageHeaderIsRefused() {
        assertEquals(401, sessions(billing, Map.of()).status());
        assertEquals(401, sessions(billing, Map.of("auth", "not-a-jwt")).status());
        assertEquals(401, sessions(billing, Map.of("Authorization", "Bearer " + jwt(billing.clientId(), billing.clientSecret()))).status());
    }

    @Test
    void shortSecretsAreVerifiedToo() {
        assertEquals(200, sessions(SHORT, Map.of("auth", jwt(SHORT.clientId(), SHORT.clientSecret()))).status());
        assertEquals(401, sessions(SHORT, Map.of("auth", jwt(SHORT.clientId(), "tiny-secreT"))).status());
    }

    @Test
    void expiredTokensAreRefusedBothWays() {
        long past = T0.getEpochSecond() - 60;
        long future = T0.getEpochSecond() + 3600;
        String header = "{\"alg\":\"HS256\"}";
        for (SimBot bot : List.of(billing, SHORT)) {
            String expired = jwt(header, "{\"appId\":\"" + bot.clientId() + "\",\"exp\":" + past + "}", bot.clientSecret());
            String valid = jwt(header, "{\"appId\":\"" + bot.clientId() + "\",\"exp\":" + future + "}", bot.clientSecret());
            assertEquals(401, sessions(bot, Map.of("auth", expired)).status(), bot.name());
            assertEquals(200, sessions(bot, Map.of("auth", valid)).status(), bot.name());
        }
    }

    @Test
    void unknownBotWithoutAValidTokenIs401WithErrorsBody() {
        for (Map<String, String> headers : List.of(Map.<String, String>of(),
                Map.of("auth", jwt(billing.clientId(), billing.clientSecret() + "x")),
                Map.of("auth", jwt("cs-unknown", "some-secret-of-nobody-0123456789abcdef")))) {
            var r = client.raw("POST", "/api/public/bot/st-unknown/getSessions", headers, SimTestClient.body());
            assertEquals(401, r.status(), headers.keySet().toString());
            assertEquals(401, r.json().path("errors").path(0).path("code").asInt());
            assertFalse(r.errorMsg().isBlank());
        }
    }

    @Test
    void unknownBotWithATokenValidForAnotherBotIs404WithErrorsBody() {
        var r = client.raw("POST", "/api/public/bot/st-unknown/getSessions",
                Map.of("auth", jwt(billing.clientId(), billing.clientSecret())), SimTestClient.body());
        assertEquals(404, r.status());
        assertEquals(404, r.json().path("errors").path(0).path("code").asInt());
    }

    @Test
    void agentAiNeedsTheBotsAccountId() {
        String token = jwt(billing.clientId(), billing.clientSecret());
        var body = SimTestClient.body("from", "2026-03-02", "to", "2026-03-02");
        String path = SimTestClient.path(billing, "aaconversation");
        assertEquals(200, client.raw("POST", path, Map.of("auth", token, "accountId", billing.accountId()), body).status());
        assertEquals(401, client.raw("POST", path, Map.of("auth", token, "accountId", "66eaa0843a8348c1e50600ff"), body).status());
        assertEquals(401, client.raw("POST", path, Map.of("auth", token), body).status());
    }

    @Test
    void secretsStayOutOfToString() {
        assertFalse(billing.toString().contains(billing.clientSecret()));
        assertTrue(billing.clientSecret().length() >= 32);
    }
}
