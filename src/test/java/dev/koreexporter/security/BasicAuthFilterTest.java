package dev.koreexporter.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.koreexporter.http.BasicAuthFilter;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BasicAuthFilterTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-20T12:00:00Z"));
    private final AtomicInteger bcryptCalls = new AtomicInteger();
    private final BasicAuthFilter.PasswordCheck counting = (password, hash) -> {
        bcryptCalls.incrementAndGet();
        return BasicAuthFilter.PasswordCheck.BCRYPT.matches(password, hash);
    };

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String hash(BCrypt.Version version, String password) {
        return BCrypt.with(version).hashToString(4, password.toCharArray());
    }

    @Test
    void aSuccessIsRememberedForAMinuteThenCheckedAgain() {
        var filter = new BasicAuthFilter(Map.of("prom", hash(BCrypt.Version.VERSION_2Y, "pw")), clock, counting);
        assertTrue(filter.authorized(basic("prom", "pw")));
        assertEquals(1, bcryptCalls.get());
        clock.advance(Duration.ofSeconds(59));
        assertTrue(filter.authorized(basic("prom", "pw")));
        assertEquals(1, bcryptCalls.get(), "served from the cache");
        clock.advance(Duration.ofSeconds(2));
        assertTrue(filter.authorized(basic("prom", "pw")));
        assertEquals(2, bcryptCalls.get(), "expired entries are verified again");
    }

    @Test
    void theCacheNeverAcceptsAnotherPassword() {
        var filter = new BasicAuthFilter(Map.of("prom", hash(BCrypt.Version.VERSION_2B, "pw")), clock, counting);
        assertTrue(filter.authorized(basic("prom", "pw")));
        assertFalse(filter.authorized(basic("prom", "pw2")));
        assertFalse(filter.authorized(basic("prom", "")));
        assertFalse(filter.authorized(basic("other", "pw")));
        assertEquals(4, bcryptCalls.get(), "every failure costs a bcrypt check, unknown users included");
        assertTrue(filter.authorized(basic("prom", "pw")));
        assertEquals(4, bcryptCalls.get());
    }

    @Test
    void aRepeatedWrongPasswordCostsOneBcryptAndEveryFailureIsCounted() {
        var filter = new BasicAuthFilter(Map.of("prom", hash(BCrypt.Version.VERSION_2A, "pw")), clock, counting);
        assertFalse(filter.authorized(basic("prom", "nope")));
        assertFalse(filter.authorized(basic("prom", "nope")));
        assertEquals(1, bcryptCalls.get(), "the failed result is cached for this user, hash and password");
        assertFalse(filter.authorized(basic("prom", "nope2")));
        assertEquals(2, bcryptCalls.get());
        assertEquals(3, filter.failures());
        assertTrue(filter.authorized(basic("prom", "pw")));
        assertEquals(3, filter.failures(), "a success is no failure");
        assertEquals("kore_exporter_http_auth_failures_total", BasicAuthFilter.FAILURES_METRIC);
    }

    @Test
    void everyBcryptVersionAndColonsInPasswordsWork() {
        for (BCrypt.Version v : new BCrypt.Version[]{BCrypt.Version.VERSION_2A, BCrypt.Version.VERSION_2B,
                BCrypt.Version.VERSION_2Y}) {
            var filter = new BasicAuthFilter(Map.of("u", hash(v, "a:b:ç")), clock);
            assertTrue(filter.authorized(basic("u", "a:b:ç")), v.toString());
            assertFalse(filter.authorized(basic("u", "a:b")), v.toString());
        }
    }

    @Test
    void passwordsPastBcryptsLimitAreTruncatedAsHtpasswdDoes() {
        // libcrypt's bcrypt (as htpasswd -B) of 72 'x': bytes past the 72nd do not count there, nor here.
        var filter = new BasicAuthFilter(Map.of("u", "$2b$04$GDHKfJbrFeGQDkD.FXzzmeWDzdK/2ZRUwM4g6j8KaKgUr0G5asoKq"),
                clock);
        assertTrue(filter.authorized(basic("u", "x".repeat(72))));
        assertTrue(filter.authorized(basic("u", "x".repeat(72) + "ignored")));
        assertFalse(filter.authorized(basic("u", "x".repeat(71))));
        assertFalse(filter.authorized(basic("u", "y".repeat(100))));
    }

    @Test
    void malformedHeadersAreRefused() {
        var filter = new BasicAuthFilter(Map.of("u", hash(BCrypt.Version.VERSION_2Y, "pw")), clock, counting);
        for (String h : new String[]{null, "", "Basic", "Basic ", "Basic %%%", "Bearer " + basic("u", "pw").substring(6),
                "Basic " + Base64.getEncoder().encodeToString("u".getBytes(StandardCharsets.UTF_8))}) {
            assertFalse(filter.authorized(h), String.valueOf(h));
        }
        assertEquals(0, bcryptCalls.get(), "nothing to check without a user and password");
        assertTrue(filter.authorized("basic " + basic("u", "pw").substring(6)), "the scheme is case-insensitive");
    }

    @Test
    void atLeastOneUser() {
        assertThrows(IllegalArgumentException.class, () -> new BasicAuthFilter(Map.of(), clock));
    }
}
