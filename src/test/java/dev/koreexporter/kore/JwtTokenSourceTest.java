package dev.koreexporter.kore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Secret;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.model.TimeWindow;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JwtTokenSourceTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private final FakeTime time = new FakeTime(T0);

    private Claims verify(String token, String secret) {
        return Jwts.parser()
                .verifyWith(Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8)))
                .clock(() -> Date.from(time.instant()))
                .build().parseSignedClaims(token).getPayload();
    }

    @Test
    void tokenIsHs256WithAppIdSubjectJtiAndAtMostFiveMinutes() {
        var source = new JwtTokenSource("cs-abc", new Secret(TestClients.SECRET), time);
        Claims claims = verify(source.token(), TestClients.SECRET);

        assertEquals("cs-abc", claims.get("appId"));
        assertEquals("kore-exporter", claims.getSubject());
        assertEquals(T0, claims.getIssuedAt().toInstant());
        assertEquals(T0.plus(Duration.ofMinutes(5)), claims.getExpiration().toInstant());
        // At least 128 random bits.
        assertTrue(Base64.getUrlDecoder().decode(claims.getId()).length >= 16, claims.getId());
    }

    /** Apps set to "Enforce JTI" refuse a token they have seen: every request gets one never sent before. */
    @Test
    void everyTokenIsNewWithAJtiOfItsOwnEvenAtTheSameInstant() {
        var source = new JwtTokenSource("cs-abc", new Secret(TestClients.SECRET), time);
        Set<String> tokens = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String token = source.token();
            tokens.add(token);
            ids.add(verify(token, TestClients.SECRET).getId());
        }
        assertEquals(1_000, tokens.size());
        assertEquals(1_000, ids.size());
        time.advance(Duration.ofMinutes(8));
        assertEquals(time.instant(), verify(source.token(), TestClients.SECRET).getIssuedAt().toInstant());
    }

    /** A rotated secret is picked up without a restart: the file is read again after Kore.ai refused a token. */
    @Test
    void aSecretFromAFileIsReadAgainAfterARefusalOnly() throws Exception {
        var file = Files.createTempFile("secret", ".txt");
        try {
            Files.writeString(file, TestClients.SECRET + "\n");
            var bot = TestConfig.builder().set("bots[0].name", "b").set("bots[0].id", "st-b")
                    .set("bots[0].client-id", "cs-abc").set("bots[0].client-secret-file", file).bot();
            var source = new JwtTokenSource("cs-abc", bot.clientSecret(), time);
            verify(source.token(), TestClients.SECRET);
            String rotated = "rotated-secret-0123456789abcdef0123456789abcdef";
            Files.writeString(file, rotated + "\n");
            verify(source.token(), TestClients.SECRET); // not read again until Kore.ai refuses the old one
            assertTrue(source.refused());
            verify(source.token(), rotated);
            assertFalse(new JwtTokenSource("cs-abc", new Secret(TestClients.SECRET), time).refused(),
                    "a secret written in the config has no file to read again");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aTokenIsReissuedWhenTheClockSteppedBackPastItsIssueTime() {
        var source = new JwtTokenSource("cs-abc", new Secret(TestClients.SECRET), time);
        time.advance(Duration.ofHours(2));
        String fast = source.token();
        time.advance(Duration.ofHours(-2));
        String again = source.token();
        assertNotEquals(fast, again);
        assertEquals(time.instant(), verify(again, TestClients.SECRET).getIssuedAt().toInstant());
    }

    @Test
    void shortSecretIsSignedWithPlainHmacSha256() throws Exception {
        String shortSecret = "tiny";
        String token = new JwtTokenSource("cs-abc", new Secret(shortSecret), time).token();
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(shortSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII)));
        assertEquals(expected, parts[2]);

        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode payload = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("HS256", header.get("alg").asText());
        assertEquals("cs-abc", payload.get("appId").asText());
        assertEquals(T0.getEpochSecond(), payload.get("iat").asLong());
        assertEquals(T0.plusSeconds(300).getEpochSecond(), payload.get("exp").asLong());
        assertTrue(payload.get("jti").asText().length() >= 22, "128 bits in base64url: " + payload);
    }

    @Test
    void secretNeverPrinted() {
        var source = new JwtTokenSource("cs-abc", new Secret(TestClients.SECRET), time);
        assertFalse(source.toString().contains(TestClients.SECRET));
    }

    @Test
    void clientSendsTheTokenInTheAuthHeader() {
        try (var fake = new FakeKore(time, r -> FakeKore.Reply.ok(FakeKore.messagesPage(0, 1, false)));
             var client = TestClients.client(fake, time, ApiRequestListener.NONE)) {
            client.pages(Listing.MESSAGES_V2, Query.of(new TimeWindow(T0.minusSeconds(60), T0), "korevg"))
                    .forEach(p -> { });
            var request = fake.requests.getFirst();
            assertEquals(TestClients.CLIENT_ID, verify(request.header("auth"), TestClients.SECRET).get("appId"));
            assertEquals(null, request.header("Authorization"));
        }
    }

    @Test
    void unreadableCaBundleIsRefusedNamingTheKey() throws Exception {
        var pem = Files.createTempFile("ca", ".pem");
        Files.writeString(pem, "not a certificate");
        try {
            var kore = TestConfig.builder().set("kore.base-url", URI.create("https://kore.invalid"))
                    .set("kore.timeout", Duration.ofSeconds(5)).set("kore.rate-limit.per-minute", 60)
                    .set("kore.rate-limit.per-hour", 1800).set("kore.ca-bundle", pem).kore();
            var e = assertThrows(IllegalArgumentException.class,
                    () -> KoreClient.builder(kore, TestClients.bot(TestClients.SECRET), time).build());
            assertTrue(e.getMessage().startsWith("kore.ca-bundle"), e.getMessage());
        } finally {
            Files.delete(pem);
        }
    }
}
