package dev.koreexporter.kore;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kore.ai's time from its Date headers: the latest one, up to the second its resolution hides. */
class ServerClockTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private final ServerClock clock = new ServerClock();

    @Test
    void unknownBeforeTheFirstHeader() {
        assertEquals(Optional.empty(), clock.latest());
    }

    @Test
    void theLatestHeaderPlusItsResolutionWhateverTheLocalClockSays() {
        // The local clock is two hours fast: Kore.ai says T0 when the local clock says T0 + 2 h.
        clock.observe(T0, T0.plus(Duration.ofHours(2)));
        assertEquals(Optional.of(T0.plusSeconds(1)), clock.latest());
        clock.observe(T0.plusSeconds(30), T0.plusSeconds(30));
        assertEquals(Optional.of(T0.plusSeconds(31)), clock.latest());
        clock.observe((String) null, T0);
        clock.observe("not a date", T0);
        assertEquals(Optional.of(T0.plusSeconds(31)), clock.latest());
    }

    @Test
    void readsTheHttpDateFormat() {
        clock.observe("Sat, 21 Nov 2026 18:00:00 GMT", T0);
        assertEquals(Optional.of(T0.plusSeconds(1)), clock.latest());
    }

    @Test
    void aClockNotBehindKoreTime() {
        var local = new FakeTime(T0);
        var clock = this.clock.notBehind(local);
        assertEquals(T0, clock.instant());
        this.clock.observe(T0.plus(Duration.ofHours(2)), T0);
        assertEquals(T0.plus(Duration.ofHours(2)).plusSeconds(1), clock.instant(), "local behind Kore.ai");
        local.advance(Duration.ofHours(3));
        assertEquals(T0.plus(Duration.ofHours(3)), clock.instant(), "local ahead");
    }

    @Test
    void aHeaderMoreThanADayOffIsTakenForBroken() {
        clock.observe(Instant.parse("1970-01-01T00:00:00Z"), T0);
        clock.observe(T0.plus(Duration.ofDays(400)), T0);
        assertEquals(Optional.empty(), clock.latest());
    }
}
