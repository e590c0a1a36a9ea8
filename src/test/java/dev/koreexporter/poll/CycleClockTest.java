package dev.koreexporter.poll;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Cycles plan to the local clock; a window counts as read up to Kore.ai's time
 * at most, never back before the watermark; steps back are noticed.
 */
class CycleClockTest {
    private static final Instant T0 = Instant.parse("2026-11-21T18:00:00Z");
    private final AtomicReference<Optional<Instant>> server = new AtomicReference<>(Optional.empty());
    private final AtomicInteger steps = new AtomicInteger();
    private final CycleClock clock = new CycleClock("billing", server::get, steps::incrementAndGet);

    @Test
    void theWindowEndWhileKoreTimeIsUnknownOrLater() {
        assertEquals(T0, clock.readUpTo(T0, T0.minusSeconds(60)));
        server.set(Optional.of(T0.plusSeconds(300)));
        assertEquals(T0, clock.readUpTo(T0, T0.minusSeconds(60)));
    }

    @Test
    void koreTimeWhenTheLocalClockRunsAheadButNeverBeforeTheWatermark() {
        Instant fast = T0.plus(Duration.ofHours(2));
        server.set(Optional.of(T0));
        assertEquals(T0, clock.readUpTo(fast, T0.minusSeconds(60)));
        assertEquals(T0.plusSeconds(10), clock.readUpTo(fast, T0.plusSeconds(10)));
    }

    @Test
    void cyclesPlanToTheLocalClock() {
        assertEquals(T0, clock.cycleStart(T0));
        server.set(Optional.of(T0.minusSeconds(30)));
        assertEquals(T0.plusSeconds(60), clock.cycleStart(T0.plusSeconds(60)));
        server.set(Optional.of(T0.plus(Duration.ofHours(2))));
        assertEquals(T0.plusSeconds(90), clock.cycleStart(T0.plusSeconds(90)), "local clock behind Kore.ai");
    }

    @Test
    void eachStepBackIsCountedOnce() {
        Instant fast = T0.plus(Duration.ofHours(2));
        clock.cycleStart(T0);
        clock.cycleStart(fast);
        clock.cycleStart(fast.plusSeconds(30));
        assertEquals(0, steps.get());
        clock.cycleStart(T0.plusSeconds(60));
        assertEquals(1, steps.get());
        assertEquals(true, clock.steppedBack());
        clock.cycleStart(T0.plusSeconds(90));
        assertEquals(1, steps.get(), "the clock moves forward again: no further step");
        assertEquals(false, clock.steppedBack());
    }
}
