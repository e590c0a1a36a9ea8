package dev.koreexporter.kore;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-21T18:00:00Z");

    @Test
    void secondsDatesAndGarbage() {
        assertEquals(Optional.of(Duration.ofSeconds(12)), RetryAfter.parse(" 12 ", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(30)), RetryAfter.parse("Sat, 21 Nov 2026 18:00:30 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sat, 21 Nov 2026 17:00:00 GMT", NOW));
        assertTrue(RetryAfter.parse("soon", NOW).isEmpty());
        assertTrue(RetryAfter.parse(null, NOW).isEmpty());
    }

    @Test
    void backoffIsFullJitterUnderACappedExponential() {
        var p = RetryPolicy.DEFAULT;
        assertEquals(Duration.ZERO, p.backoff(3, 0.0));
        assertEquals(Duration.ofMillis(3999), p.backoff(3, 0.99975));
        assertEquals(Duration.ofSeconds(30), p.backoff(20, 0.5), "capped at 60 s");
    }
}
