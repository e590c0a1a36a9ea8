package dev.koreexporter.security;

import dev.koreexporter.cli.CheckConfigCommand;
import dev.koreexporter.config.Secret;
import dev.koreexporter.kore.JwtTokenSource;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon runs one bot with the right (recognisable) secret and one with a recognisable wrong secret:
 * neither secret, nor any JWT made from them, shows up in logs, exception messages, /metrics (both formats),
 * the landing page, readiness, spans, or {@code --check-config} output.
 */
class SecretsNeverLeakIT {
    private static final String GOOD_SECRET = "CANARYgood-7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e";
    private static final String WRONG_SECRET = "CANARYwrong-4b6d8f0a2c4e6a8b0d2f4a6c8e0b2d4f";
    /** Base64url of {"  : how every JWT (header or payload) begins. */
    private static final String JWT_PREFIX = "eyJ";

    @TempDir
    Path dir;

    @Test
    void secretsAndTokensAppearNowhere() throws Exception {
        SimBot good = withSecret(SimulatorOptions.DEMO_BOTS.get(0), GOOD_SECRET);
        SimBot refused = SimulatorOptions.DEMO_BOTS.get(1);
        SimBot refusedAsConfigured = withSecret(refused, WRONG_SECRET);
        List<String> haystacks = new ArrayList<>();
        List<String> forbidden = new ArrayList<>(List.of(GOOD_SECRET, WRONG_SECRET, JWT_PREFIX,
                // The token the good bot sends, made the same way (its exact bytes depend on iat).
                new JwtTokenSource(good.clientId(), new Secret(GOOD_SECRET), Clock.systemUTC()).token()));

        try (SimulatedDaemon d = new SimulatedDaemon(List.of(good, refused), List.of(good, refusedAsConfigured),
                false, "", dir.resolve("state"))) {
            d.awaitReady();
            var ready = d.get("/health/ready", null);
            // Both code paths ran: the good bot read data, the other was refused by Kore.ai.
            assertTrue(ready.body().contains("\"lastCycleOk\":true"), ready.body());
            assertTrue(ready.body().contains("authentication refused"), ready.body());
            String metrics = d.get("/metrics", null).body();
            assertTrue(metrics.contains("kore_exporter_api_requests_total{bot=\"" + refused.name()), metrics);
            assertTrue(metrics.contains("code=\"401\""), "the refused bot's 401 is counted");
            haystacks.add(ready.body());
            haystacks.add(metrics);
            haystacks.add(d.get("/metrics", "application/openmetrics-text; version=1.0.0").body());
            haystacks.add(d.get("/", null).body());
            haystacks.add(d.get("/health/live", null).body());
            List<String> logs = d.stopAndCollectLogs();
            assertTrue(logs.stream().anyMatch(l -> l.contains(refused.name())), "the refused bot was logged");
            haystacks.addAll(logs);
            assertFalse(d.spans().isEmpty(), "the good bot's turns were traced");
            d.spans().forEach(s -> haystacks.add(s.toString()));
        }

        haystacks.add(checkConfig(SimulatedDaemon.yaml(URI.create("https://kore.example"),
                List.of(good, refusedAsConfigured), false, "", dir.resolve("state"))));
        // Invalid configs too: problems name the secret keys, never their values (a misspelt key included).
        String valid = SimulatedDaemon.yaml(URI.create("https://kore.example"),
                List.of(good, refusedAsConfigured), false, "", dir.resolve("state"));
        haystacks.add(checkConfig(valid.replace("client-secret: \"" + WRONG_SECRET + "\"",
                "client-secret: \"" + WRONG_SECRET + "\"\n    client-secret-file: /nonexistent/secret")));
        haystacks.add(checkConfig(valid.replace("client-secret: \"" + GOOD_SECRET, "client-secrte: \"" + GOOD_SECRET)));
        // The database password of the shared state store is a secret too, also where it should not be (the URL).
        String database = "state:\n  store: postgresql\n  postgresql:\n    url: jdbc:postgresql://db:5432/kore%s\n"
                + "    user: exporter\n    password: \"" + GOOD_SECRET + "\"\n";
        haystacks.add(checkConfig(valid.replace("state:\n", database.formatted("")), 0));
        haystacks.add(checkConfig(valid.replace("state:\n", database.formatted("?password=" + WRONG_SECRET)), 2));

        for (String hay : haystacks) {
            for (String secret : forbidden) {
                assertFalse(hay.contains(secret), () -> "leaked " + secret.substring(0, 8) + "... in: " + hay);
            }
        }
    }

    private String checkConfig(String yaml) throws Exception {
        return checkConfig(yaml, yaml.contains("secret-file") || yaml.contains("secrte") ? 2 : 0);
    }

    private String checkConfig(String yaml, int expectedCode) throws Exception {
        Path file = dir.resolve("config-" + System.nanoTime() + ".yml");
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = CheckConfigCommand.run(file, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertTrue(code == 0 || code == 2, all);
        assertEquals(expectedCode, code, all);
        assertFalse(all.isBlank());
        return all;
    }

    private static SimBot withSecret(SimBot b, String secret) {
        return new SimBot(b.name(), b.botId(), b.clientId(), secret, b.accountId(), b.channels());
    }
}
