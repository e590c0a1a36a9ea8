package dev.koreexporter.kore;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kore.ai's time from its Date headers: the newest one, advanced by local time elapsed since. */
class ServerClockTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private final ServerClock clock = new ServerClock();

    @Test
    void unknownBeforeTheFirstHeader() {
        assertEquals(Optional.empty(), clock.now(T0));
    }

    @Test
    void theNewestHeaderPlusLocalTimeElapsedAndTheSecondItsResolutionHides() {
        // The local clock is two hours fast: Kore.ai says T0 when the local clock says T0 + 2 h.
        clock.observe(T0, T0.plus(Duration.ofHours(2)));
        assertEquals(Optional.of(T0.plusSeconds(31)), clock.now(T0.plus(Duration.ofHours(2)).plusSeconds(30)));
        clock.observe(T0.minusSeconds(5), T0.plus(Duration.ofHours(2)).plusSeconds(40)); // older: ignored
        assertEquals(Optional.of(T0.plusSeconds(41)), clock.now(T0.plus(Duration.ofHours(2)).plusSeconds(40)));
    }

    @Test
    void noTimeElapsesWhileTheLocalClockIsBehindTheHeadersArrival() {
        clock.observe(T0, T0.plus(Duration.ofHours(2)));
        assertEquals(Optional.of(T0.plusSeconds(1)), clock.now(T0.plusSeconds(10)));
        // The next header after the step restarts the elapsed time from the stepped-back clock.
        clock.observe(T0.plusSeconds(10), T0.plusSeconds(10));
        assertEquals(Optional.of(T0.plusSeconds(71)), clock.now(T0.plusSeconds(70)));
    }

    @Test
    void aHeaderADayOrMoreOffIsTakenForBroken() {
        clock.observe(Instant.parse("1970-01-01T00:00:00Z"), T0);
        clock.observe(T0.plus(Duration.ofDays(400)), T0);
        assertEquals(Optional.empty(), clock.now(T0));
    }
}
